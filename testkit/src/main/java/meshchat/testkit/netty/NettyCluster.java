package meshchat.testkit.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import meshchat.peer.identity.Identity;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.sync.SeqSet;
import meshchat.testkit.check.History;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.scenario.Cluster;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;

/**
 * The {@link Cluster} verbs over real sockets, in real time: up to {@value #MAX_PEERS} real {@code
 * PeerNode}s on loopback in one JVM, sharing one pair of event loop groups, with SQLite stores in a
 * temp directory and an in-process {@link TrackerServer}. Each peer sits behind a {@link
 * FaultProxy}, so partitions, cuts and delays are injected between the sockets, never inside the
 * product. Deliveries are recorded through {@code PeerListener}, so the simulation's invariant
 * checker reads this cluster's {@link #history()} unchanged.
 */
public final class NettyCluster implements Cluster {
  public static final int MAX_PEERS = 50;

  /** Peers a room holds as a full mesh at the default link cap (more: partial views). */
  private static final int FULL_MESH = 31;

  private static final long POLL_MS = 50;

  private final PeerGroups groups = PeerGroups.create(2, 2);
  private final EventLoopGroup proxyGroup =
      new MultiThreadIoEventLoopGroup(
          1, new DefaultThreadFactory("fault-proxy", true), NioIoHandler.newFactory());
  private final LinkRules rules = new LinkRules();
  private final List<NetPeer> peers = new ArrayList<>();
  private final Map<PeerId, Integer> indexes = new ConcurrentHashMap<>();
  private final List<SentAt> sent = Collections.synchronizedList(new ArrayList<>());
  private final SplittableRandom random;
  private final Path root;
  private final int trackerPort;
  private final long startNanos = System.nanoTime();
  private final PeerConfig base;
  private TrackerServer tracker;

  private record SentAt(ChatMessage message, int author, long timeMs, int storeGeneration) {}

  /** A cluster whose peer ids come from {@code seed}; the tracker starts at once. */
  public NettyCluster(long seed) {
    this.random = new SplittableRandom(seed);
    try {
      this.root = Files.createTempDirectory("meshchat-netcluster");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.tracker = startTracker(0);
    this.trackerPort = tracker.localAddress().getPort();
    this.base =
        PeerConfig.of("lobby", "p", Identity.seeded(random))
            .withTracker(new InetSocketAddress("127.0.0.1", trackerPort), false)
            .withTrackerRetry(50, 500)
            .withLinkConfig(LinkConfig.fastTest())
            .withRoomConfig(RoomConfig.defaults().withSyncIntervalMs(500))
            .withSeed(seed);
  }

  private static TrackerServer startTracker(int port) {
    try {
      return TrackerServer.start(
          TrackerConfig.localTest().withPort(port).withHeartbeatInterval(Duration.ofMillis(500)));
    } catch (IOException e) {
      throw new UncheckedIOException("tracker could not bind port " + port, e);
    }
  }

  private long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Override
  public void start(int n) {
    if (peers.size() + n > MAX_PEERS) {
      throw new IllegalArgumentException("at most " + MAX_PEERS + " peers over real sockets");
    }
    for (int k = 0; k < n; k++) {
      int i = peers.size();
      Identity identity = Identity.seeded(random); // same seed, same ids: replayable runs
      PeerId id = identity.peerId();
      indexes.put(id, i);
      FaultProxy proxy = FaultProxy.bind(i, rules, p -> indexes.getOrDefault(p, -1), proxyGroup);
      NetPeer p = new NetPeer(i, identity, proxy, root, this::now);
      peers.add(p);
      p.start(base, groups);
    }
  }

  @Override
  public int size() {
    return peers.size();
  }

  @Override
  public void send(int peer, String text) {
    NetPeer p = peers.get(peer);
    ChatMessage m = p.send(text);
    if (m != null) {
      sent.add(new SentAt(m, peer, now(), p.storeGeneration()));
    }
  }

  @Override
  public void partition(List<Set<Integer>> groupsOfPeers) {
    int[] groupOf = new int[peers.size()];
    Arrays.fill(groupOf, groupsOfPeers.size()); // unlisted: one more group
    for (int g = 0; g < groupsOfPeers.size(); g++) {
      for (int i : groupsOfPeers.get(g)) {
        groupOf[i] = g;
      }
    }
    for (int a = 0; a < peers.size(); a++) {
      for (int b = a + 1; b < peers.size(); b++) {
        if (groupOf[a] != groupOf[b]) {
          rules.block(a, b);
        }
      }
    }
    peers.forEach(p -> p.proxy().enforce());
  }

  @Override
  public void heal() {
    rules.unblockAll();
  }

  /** Closes every connection between {@code a} and {@code b} now; they may redial at once. */
  public void cut(int a, int b) {
    peers.get(a).proxy().cut(b);
    peers.get(b).proxy().cut(a);
  }

  /** One-way delay on every link, in ms, from now on. */
  public void setDelay(long ms) {
    rules.setDefaultDelay(ms);
  }

  /** One-way delay between {@code a} and {@code b}, in ms, from now on. */
  public void setDelay(int a, int b, long ms) {
    rules.setDelay(a, b, ms);
  }

  @Override
  public void crash(int peer, boolean keepStore) {
    peers.get(peer).crash(keepStore);
  }

  @Override
  public void restart(int peer) {
    peers.get(peer).start(base, groups);
  }

  @Override
  public void trackerDown() {
    if (tracker != null) {
      tracker.close();
      tracker = null;
    }
  }

  @Override
  public void trackerUp() {
    if (tracker == null) {
      tracker = startTracker(trackerPort);
    }
  }

  /**
   * The scenario's "let the network work for a while", as a condition: returns as soon as the
   * cluster is {@link #settled()}, and after {@code ms} at the latest (a story may run for a while
   * in a state that never settles, such as peers that cannot find each other with the tracker
   * down). Over real sockets a fixed sleep was either too short on a loaded box or wasted time.
   */
  @Override
  public void runFor(long ms) {
    waitFor(ms, this::settled);
  }

  @Override
  public boolean runUntilQuiet(long maxMs) {
    return waitFor(maxMs, this::quiet);
  }

  private static boolean waitFor(long maxMs, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1)); // a poll
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return true;
  }

  /**
   * Nothing left to happen without a new event: every live peer is linked within what it can reach
   * (all of its side of any partition in a room that fits a full mesh, at least one peer in a
   * bigger one), holds nothing back, and holds the same messages as every peer it can reach.
   */
  public boolean settled() {
    int n = peers.size();
    int[] side = new int[n];
    Arrays.fill(side, -1);
    int sides = 0;
    for (int a = 0; a < n; a++) {
      if (peers.get(a).node() == null || side[a] >= 0) {
        continue;
      }
      side[a] = sides;
      for (int b = a + 1; b < n; b++) {
        if (side[b] < 0 && peers.get(b).node() != null && !rules.blocked(a, b)) {
          side[b] = sides;
        }
      }
      sides++;
    }
    List<Map<PeerId, SeqSet>> holdings = new ArrayList<>();
    for (int s = 0; s < sides; s++) {
      holdings.add(null);
    }
    int[] sizes = new int[Math.max(1, sides)];
    for (int i = 0; i < n; i++) {
      if (side[i] >= 0) {
        sizes[side[i]]++;
      }
    }
    for (int i = 0; i < n; i++) {
      var node = peers.get(i).node();
      if (node == null || side[i] < 0) {
        continue;
      }
      int reach = sizes[side[i]] - 1;
      int want = reach <= FULL_MESH ? reach : 1;
      if (node.linkCount() < want) {
        return false;
      }
      Object[] state = node.inspect(r -> new Object[] {r.holdings(), r.heldBackCount()}).join();
      @SuppressWarnings("unchecked")
      Map<PeerId, SeqSet> h = (Map<PeerId, SeqSet>) state[0];
      if ((int) state[1] > 0) {
        return false;
      }
      Map<PeerId, SeqSet> seen = holdings.get(side[i]);
      if (seen == null) {
        holdings.set(side[i], h);
      } else if (!Objects.equals(seen, h)) {
        return false;
      }
    }
    return true;
  }

  /** Every live peer holds the same messages and holds nothing back. */
  public boolean quiet() {
    Map<PeerId, SeqSet> first = null;
    boolean any = false;
    for (NetPeer p : peers) {
      var node = p.node();
      if (node == null) {
        continue;
      }
      Object[] state = node.inspect(r -> new Object[] {r.holdings(), r.heldBackCount()}).join();
      @SuppressWarnings("unchecked")
      Map<PeerId, SeqSet> h = (Map<PeerId, SeqSet>) state[0];
      if ((int) state[1] > 0 || (any && !Objects.equals(first, h))) {
        return false;
      }
      first = h;
      any = true;
    }
    return true;
  }

  /**
   * Peer {@code i}'s node, for a test that reads its counters, gauges or history, or attacks it;
   * null while it is down.
   */
  public PeerNode node(int i) {
    return peers.get(i).node();
  }

  /**
   * Where peer {@code i} really listens, behind its proxy: what a stranger who learned the address
   * dials, so that the peer sees the stranger's own source address.
   */
  public InetSocketAddress listenAddress(int i) {
    return peers.get(i).listen();
  }

  /** Links up at peer {@code i} now; 0 if it is down. */
  public int linkCount(int i) {
    var node = peers.get(i).node();
    return node == null ? 0 : node.linkCount();
  }

  @Override
  public History history() {
    List<PeerHistory> out = new ArrayList<>();
    peers.forEach(p -> out.add(p.history()));
    List<History.Sent> s = new ArrayList<>();
    synchronized (sent) {
      for (SentAt a : sent) {
        boolean kept = peers.get(a.author()).storeGeneration() == a.storeGeneration();
        s.add(new History.Sent(a.message().id(), a.author(), a.timeMs(), kept));
      }
    }
    return new History(out, s);
  }

  @Override
  public void close() {
    // in parallel (own threads: the common pool has one on 2 cores): each close waits up to 2 s
    // for its links' Close to go out
    ExecutorService closer = Executors.newFixedThreadPool(Math.max(1, peers.size()));
    peers.forEach(p -> closer.execute(p::closeNode));
    closer.shutdown();
    try {
      closer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    peers.forEach(p -> p.proxy().close());
    trackerDown();
    groups.close();
    proxyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3_000);
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
