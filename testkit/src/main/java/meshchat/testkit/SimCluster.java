package meshchat.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import meshchat.fixture.net.SimNetwork;
import meshchat.fixture.time.EventQueue;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import meshchat.testkit.bench.FrameSizer;
import meshchat.testkit.check.History;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.metrics.RunMetrics;
import meshchat.testkit.net.PeerDirectory;
import meshchat.testkit.net.SimPeer;
import meshchat.testkit.net.SimTracker;
import meshchat.testkit.net.Windows;
import meshchat.testkit.scenario.Cluster;

/**
 * Many real rooms over a simulated network in virtual time, run in windows of the least link delay
 * on {@link SimConfig#threads} threads ({@link Windows}). Every random source is split from one
 * {@link SplittableRandom} seeded with {@link SimConfig#seed}, in a fixed order, so the same seed
 * replays the same run event for event, whatever the number of threads.
 */
public final class SimCluster implements Cluster {
  /** A fault the run went through, for the report and for "time to converge after the last". */
  public record FaultMark(long timeMs, String what) {}

  private static final long QUIET_STEP_MS = 100;

  private final SimConfig config;
  private final EventQueue queue = new EventQueue();
  private final SplittableRandom seeds;
  private final PeerDirectory directory = new PeerDirectory();
  private final SimNetwork network;
  private final SimTracker tracker;
  private final RunMetrics metrics = new RunMetrics();
  private final Windows windows;
  private final SimPeer.World world;
  private final List<FaultMark> faults = new ArrayList<>();

  public SimCluster(SimConfig config) {
    this.config = config;
    this.seeds = new SplittableRandom(config.seed());
    this.network =
        new SimNetwork(queue, i -> directory.get(i).queue(), config.faults(), directory::get);
    network.sizeWith(FrameSizer::new);
    network.onGrid(true); // the windows' cuts: see SimNetwork.onGrid
    this.windows = new Windows(queue, network, directory, config.threads());
    this.tracker = new SimTracker(config.trackerFanout(), seeds.split());
    this.world =
        new SimPeer.World(
            queue,
            network,
            tracker,
            config.room(),
            config.membership(),
            metrics,
            directory,
            config.chained());
    queue.after(config.sampleIntervalMs(), this::sample);
  }

  @Override
  public void start(int n) {
    for (int k = 0; k < n; k++) {
      int i = directory.size();
      long skew =
          config.maxSkewMs() == 0 ? 0 : seeds.nextLong(-config.maxSkewMs(), config.maxSkewMs() + 1);
      SimPeer p = new SimPeer(i, world, skew, seeds.split());
      directory.add(p);
      network.addPeer(seeds.split());
      p.start();
    }
  }

  @Override
  public int size() {
    return directory.size();
  }

  @Override
  public void send(int peer, String text) {
    directory.get(peer).send(text);
  }

  @Override
  public void partition(List<Set<Integer>> groups) {
    network.partition(groups);
    mark("partition " + groups);
  }

  @Override
  public void heal() {
    network.heal();
    mark("heal");
  }

  @Override
  public void crash(int peer, boolean keepStore) {
    directory.get(peer).crash(keepStore);
    mark("crash p" + peer + (keepStore ? "" : " (wipe)"));
  }

  @Override
  public void restart(int peer) {
    directory.get(peer).start();
    mark("restart p" + peer);
  }

  @Override
  public void trackerDown() {
    tracker.setUp(false);
    mark("tracker down");
  }

  @Override
  public void trackerUp() {
    tracker.setUp(true);
    mark("tracker up");
  }

  @Override
  public void runFor(long ms) {
    windows.runUntil(queue.now() + ms);
  }

  @Override
  public boolean runUntilQuiet(long maxMs) {
    long deadline = queue.now() + maxMs;
    while (queue.now() < deadline) {
      windows.runUntil(Math.min(queue.now() + QUIET_STEP_MS, deadline));
      if (quiet()) {
        return true;
      }
    }
    return quiet();
  }

  /**
   * Runs {@code task} at virtual time {@code timeMs}: how workloads and fault plans are laid out.
   */
  public void at(long timeMs, Runnable task) {
    queue.at(timeMs, task);
  }

  /**
   * Runs {@code task}, which acts as peer {@code peer} only (a send of a workload), at virtual time
   * {@code timeMs} on that peer's own queue: it runs in a window with the peer's other events.
   */
  public void atPeer(int peer, long timeMs, Runnable task) {
    directory.get(peer).queue().at(timeMs, task);
  }

  /**
   * Quiet: no history in flight, nothing held back, and every live peer holds the same messages,
   * but for those of an author proven to equivocate from the seq it is frozen at, which nobody
   * passes on. Counts are compared first because comparing holdings copies them.
   */
  public boolean quiet() {
    if (network.stats().payloadInFlight() > 0) {
      return false;
    }
    long count = -1;
    boolean disputes = false;
    for (SimPeer p : directory.all()) {
      if (p.alive()) {
        if (p.room().heldBackCount() > 0) {
          return false;
        }
        disputes |= !p.room().equivocators().isEmpty();
        if (!disputes && count >= 0 && p.storedCount() != count) {
          return false;
        }
        count = p.storedCount();
      }
    }
    Map<PeerId, SeqSet> first = null;
    for (SimPeer p : directory.all()) {
      if (p.alive()) {
        Map<PeerId, SeqSet> h = undisputed(p.room().holdings(), p.room().equivocators());
        if (first != null && !Objects.equals(first, h)) {
          return false;
        }
        first = h;
      }
    }
    return true;
  }

  /** {@code held} without each equivocator's seqs from where it is frozen. */
  private static Map<PeerId, SeqSet> undisputed(
      Map<PeerId, SeqSet> held, Map<PeerId, Long> frozen) {
    if (frozen.isEmpty()) {
      return held;
    }
    Map<PeerId, SeqSet> out = new HashMap<>(held);
    frozen.forEach(
        (origin, at) -> {
          SeqSet s = out.get(origin);
          if (s != null) {
            SeqSet below = new SeqSet();
            for (SeqRange r : s.ranges()) {
              if (r.first() < at) {
                below.addRange(r.first(), Math.min(r.last(), at - 1));
              }
            }
            out.put(origin, below);
          }
        });
    return out;
  }

  private void sample() {
    int live = 0;
    int inSync = 0;
    long max = 0;
    for (SimPeer p : directory.all()) {
      if (p.alive()) {
        max = Math.max(max, p.storedCount());
      }
    }
    for (SimPeer p : directory.all()) {
      if (p.alive()) {
        live++;
        if (p.storedCount() == max) {
          inSync++;
        }
      }
    }
    metrics.sample(new RunMetrics.Sample(queue.now(), live, inSync, max));
    queue.after(config.sampleIntervalMs(), this::sample);
  }

  private void mark(String what) {
    faults.add(new FaultMark(queue.now(), what));
  }

  @Override
  public History history() {
    return history(false);
  }

  /**
   * The history of a run that is over: each final store is a view of the peer's store, not a copy
   * (a 10,000-peer run's copies were 10^8 references, 400 MB, made when the heap is fullest). The
   * cluster must not run again while the history is read.
   */
  public History finalHistory() {
    return history(true);
  }

  private History history(boolean views) {
    List<PeerHistory> peers = new ArrayList<>();
    directory.all().forEach(p -> peers.add(p.history(views)));
    return new History(peers, metrics.sentFor(i -> directory.get(i).storeGeneration()));
  }

  public RunMetrics metrics() {
    return metrics;
  }

  public SimNetwork network() {
    return network;
  }

  /**
   * The run's own queue (faults, the network's handshakes and resets), whose clock is the run's
   * between steps; each peer has one of its own ({@link SimPeer#queue}).
   */
  public EventQueue queue() {
    return queue;
  }

  /** Virtual ms since the start of the run. */
  public long now() {
    return queue.now();
  }

  /** Tasks run so far on every queue: a cost measure for the scale report. */
  public long executed() {
    return windows.executed();
  }

  /** Windows run so far (each ends in a serial merge of what its peers did to others). */
  public long windows() {
    return windows.windows();
  }

  public List<FaultMark> faults() {
    return List.copyOf(faults);
  }

  public SimPeer peer(int i) {
    return directory.get(i);
  }

  public SimConfig config() {
    return config;
  }
}
