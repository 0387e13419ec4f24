package meshchat.testkit.bench;

import ch.qos.logback.classic.Level;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import meshchat.tracker.pipeline.TrackerHub;
import org.slf4j.LoggerFactory;

/**
 * Tracker throughput over loopback: N concurrent clients, each keeping {@code depth} requests in
 * flight, alternating Register and Lookup. Client c holds peer id c and registers in room c % 10,
 * so after its first Register each one is a refresh answered with the room's ~N/10 members. An op
 * is one request answered. Prints one JSON line.
 *
 * <p>{@code TrackerBench [--clients 100] [--seconds 10] [--warmup-seconds 3] [--depth 16]}
 */
public final class TrackerBench {
  private TrackerBench() {}

  public static void main(String[] args) throws Exception {
    System.out.println(run(args));
  }

  public static String run(String[] args) throws Exception {
    BenchFlags flags =
        BenchFlags.parse(args, "--clients", "--seconds", "--warmup-seconds", "--depth");
    int clients = flags.positive("--clients", 100);
    int seconds = flags.positive("--seconds", 10);
    int warmup = flags.integer("--warmup-seconds", 3, 0);
    int depth = flags.positive("--depth", 16);
    // one INFO line per join would dominate the measurement
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(TrackerHub.MEMBERSHIP_LOGGER))
        .setLevel(Level.WARN);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("meshchat.tracker.session"))
        .setLevel(Level.WARN);

    TrackerServer server =
        TrackerServer.start(
            TrackerConfig.localTest()
                .with(
                    d -> {
                      d.maxPeersPerRoom = clients;
                      d.maxSessionsPerAddress = Math.max(clients, 1); // all from loopback
                      d.ioThreads = 1;
                      // measures the directory and fan-out; clients register with synthetic ids
                      d.requireKeyProof = false;
                    }));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    LongAdder ops = new LongAdder();
    Loop[] loops = new Loop[clients];
    try {
      List<CompletableFuture<TrackerClient>> connecting = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        connecting.add(
            TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}));
      }
      for (int c = 0; c < clients; c++) {
        loops[c] = new Loop(connecting.get(c).get(10, TimeUnit.SECONDS), c, ops);
        for (int d = 0; d < depth; d++) {
          loops[c].next(d % 2 == 0);
        }
      }
      TimeUnit.SECONDS.sleep(warmup); // a benchmark's fixed phases, not a test wait
      long before = ops.sum();
      long start = System.nanoTime();
      TimeUnit.SECONDS.sleep(seconds);
      long done = ops.sum() - before;
      double elapsed = (System.nanoTime() - start) / 1e9;
      for (Loop l : loops) {
        l.stop = true;
      }
      double perSecond = done / elapsed;
      return String.format(
          Locale.ROOT,
          "{\"bench\":\"tracker\",\"clients\":%d,\"depth\":%d,\"seconds\":%.1f,"
              + "\"ops_per_s\":%.0f,\"register_plus_lookup_per_s\":%.0f}",
          clients,
          depth,
          elapsed,
          perSecond,
          perSecond / 2);
    } finally {
      for (Loop l : loops) {
        if (l != null) {
          l.stop = true;
          l.client.close();
        }
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      server.close();
    }
  }

  /** One client's request loop: each answer sends the next request, on the event loop. */
  private static final class Loop {
    final TrackerClient client;
    final String room;
    final byte[] peerId;
    final String nick;
    final LongAdder ops;
    volatile boolean stop;

    Loop(TrackerClient client, int index, LongAdder ops) {
      this.client = client;
      this.room = "bench-" + index % 10;
      this.peerId = ByteBuffer.allocate(16).putLong(0xBE7CL).putLong(index).array();
      this.nick = "bench" + index;
      this.ops = ops;
    }

    void next(boolean register) {
      if (stop) {
        return;
      }
      CompletableFuture<?> f =
          register
              ? client.register(room, peerId, nick, "127.0.0.1", 20_000 + (nick.hashCode() & 0xfff))
              : client.lookup(room);
      f.whenComplete(
          (ok, err) -> {
            if (err == null) {
              ops.increment();
              next(!register);
            }
          });
    }
  }
}
