package meshchat.testkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.NodeAssembly;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.sqlite.SqliteMessageStore;

/**
 * Steady-state cost of an idle room (docs/benchmarks.md: 10 peers, aim at most 100 B/s per link): N
 * peers with production timings (ping after 1 s without writes, digests every 5 s ± 25%) in a full
 * mesh where every link runs through its own {@link CountingProxy}. After some chat and a settling
 * time, the bytes all proxies carry (both directions) over the measured window are divided by links
 * and seconds. Prints one JSON line.
 *
 * <p>{@code IdleOverheadBench [--peers 10] [--seconds 30] [--settle-seconds 8]}
 */
public final class IdleOverheadBench {
  private IdleOverheadBench() {}

  public static void main(String[] args) throws Exception {
    System.out.println(run(args));
  }

  public static String run(String[] args) throws Exception {
    BenchFlags flags = BenchFlags.parse(args, "--peers", "--seconds", "--settle-seconds");
    int n = flags.integer("--peers", 10, 2);
    int seconds = flags.positive("--seconds", 30);
    int settle = flags.integer("--settle-seconds", 8, 0);
    Bench.quietLogs();
    Path dir = Files.createTempDirectory("meshchat-idle");
    SplittableRandom random = new SplittableRandom(2);
    List<PeerNode> nodes = new ArrayList<>();
    List<CountingProxy> proxies = new ArrayList<>();
    try (PeerGroups groups = PeerGroups.create(2, 2)) {
      try {
        for (int i = 0; i < n; i++) {
          Path d = Files.createDirectories(dir.resolve("p" + i));
          nodes.add(
              NodeAssembly.start(
                  Bench.allOnLoopback(PeerConfig.of("idle", "p" + i, Identity.generate())),
                  SqliteMessageStore.open(d, "idle", false),
                  groups,
                  new PeerListener() {}));
        }
        List<Runnable> dials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            PeerNode from = nodes.get(i);
            PeerNode to = nodes.get(j);
            CountingProxy p = new CountingProxy(to.port());
            proxies.add(p);
            PeerAddress via = new PeerAddress(to.self(), "p" + j, p.host(), p.port());
            dials.add(() -> from.dial(via));
          }
        }
        // addresses learned through a proxy lead nowhere, and peer exchange hands them out: keep
        // pointing each pair at its proxy until the mesh is full
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (nodes.stream().anyMatch(x -> x.linkCount() < nodes.size() - 1)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the mesh did not form in 60 s");
          }
          dials.forEach(Runnable::run);
          TimeUnit.MILLISECONDS.sleep(200); // a benchmark's polling, not a test wait
        }
        for (PeerNode x : nodes) {
          for (int k = 0; k < 5; k++) {
            x.send("some chat before going idle " + k);
          }
        }
        TimeUnit.SECONDS.sleep(settle);
        long before = total(proxies);
        long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        long bytes = total(proxies) - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        int links = proxies.size();
        boolean intact = nodes.stream().allMatch(x -> x.linkCount() == nodes.size() - 1);
        return String.format(
            Locale.ROOT,
            "{\"bench\":\"idle-overhead\",\"peers\":%d,\"links\":%d,\"seconds\":%.1f,"
                + "\"bytes\":%d,\"bytes_per_s_per_link\":%.1f,\"mesh_intact\":%b}",
            n,
            links,
            elapsed,
            bytes,
            bytes / elapsed / links,
            intact);
      } finally {
        nodes.forEach(PeerNode::close);
        proxies.forEach(CountingProxy::close);
      }
    } finally {
      Bench.deleteTree(dir);
    }
  }

  private static long total(List<CountingProxy> proxies) {
    long sum = 0;
    for (CountingProxy p : proxies) {
      sum += p.toTarget.get() + p.fromTarget.get();
    }
    return sum;
  }
}
