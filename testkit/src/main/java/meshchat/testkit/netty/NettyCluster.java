package meshchat.testkit.netty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.peer.sync.SeqSet;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;
import meshchat.testkit.scenario.Cluster;

/**
 * The {@link Cluster} verbs over real sockets, in real time: the shared {@link LoopbackCluster}
 * (real {@code PeerNode}s on loopback, SQLite stores in a temp directory, an in-process tracker,
 * every peer behind a fault proxy), plus the record of what each incarnation showed, so the
 * simulation's invariant checker reads this cluster's {@link #history()} unchanged.
 */
public final class NettyCluster implements Cluster {
  public static final int MAX_PEERS = 100;

  /** Peers a room holds as a full mesh at the default link cap (more: partial views). */
  private static final int FULL_MESH = 31;

  private static final long POLL_MS = 50;

  private final LoopbackCluster peers;
  private final Path root;
  private final long startNanos = System.nanoTime();
  private final List<List<Segment>> segments = new ArrayList<>();
  private final List<List<Delivered>> current = new ArrayList<>();
  private final AtomicLongArray forkNotices = new AtomicLongArray(MAX_PEERS);
  private final List<SentAt> sent = Collections.synchronizedList(new ArrayList<>());

  private record SentAt(ChatMessage message, int author, long timeMs, int storeGeneration) {}

  /** A cluster whose peer ids come from {@code seed}; the tracker starts at once. */
  public NettyCluster(long seed) {
    this(seed, false);
  }

  /**
   * A cluster for a big room: links and tracker registrations time out after the product's
   * defaults, not the fast test ones ({@link LoopbackCluster#withProductTimeouts()}).
   */
  public static NettyCluster withProductTimeouts(long seed) {
    return new NettyCluster(seed, true);
  }

  private NettyCluster(long seed, boolean productTimeouts) {
    try {
      this.root = Files.createTempDirectory("meshchat-netcluster");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LoopbackCluster c = new LoopbackCluster(seed, root).behindProxies();
    if (productTimeouts) {
      c.withProductTimeouts();
    }
    this.peers = c.observedBy(this::observer).startTracker();
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
      int i = segments.size();
      segments.add(Collections.synchronizedList(new ArrayList<>()));
      current.add(null);
      peers.id(i); // gives peer i its slot and id
      startPeer(i);
    }
  }

  /** Starts an incarnation of peer {@code i}, noting what its store holds as it starts. */
  private void startPeer(int i) {
    List<Delivered> log = Collections.synchronizedList(new ArrayList<>());
    segments.get(i).add(new Segment(now(), shownBefore(i), log));
    current.set(i, log);
    peers.start(i);
  }

  /** Records one incarnation's deliveries; the cluster silences it when it ends. */
  private PeerListener observer(int i) {
    List<Delivered> log = current.get(i);
    return new PeerListener() {
      @Override
      public void delivered(Delivery d) {
        log.add(new Delivered(now(), d.message(), d.late(), d.catchUp(), d.incomplete()));
      }

      @Override
      public void notice(RoomNotice notice) {
        if (notice instanceof RoomNotice.Fork) {
          forkNotices.incrementAndGet(i);
        }
      }
    };
  }

  @Override
  public int size() {
    return peers.size();
  }

  @Override
  public void send(int peer, String text) {
    PeerNode n = peers.node(peer);
    ChatMessage m = n == null ? null : n.send(text).join();
    if (m != null) {
      sent.add(new SentAt(m, peer, now(), peers.storeGeneration(peer)));
    }
  }

  @Override
  public void partition(List<Set<Integer>> groupsOfPeers) {
    peers.partition(groupsOfPeers);
  }

  @Override
  public void heal() {
    peers.heal();
  }

  /** Closes every connection between {@code a} and {@code b} now; they may redial at once. */
  public void cut(int a, int b) {
    peers.cut(a, b);
  }

  /** Dials the proxies refused so far because a partition kept the dialer away. */
  public int refusedDials() {
    return peers.refusedDials();
  }

  /** One-way delay on every link, in ms, from now on. */
  public void setDelay(long ms) {
    peers.setDelay(ms);
  }

  /** One-way delay between {@code a} and {@code b}, in ms, from now on. */
  public void setDelay(int a, int b, long ms) {
    peers.setDelay(a, b, ms);
  }

  @Override
  public void crash(int peer, boolean keepStore) {
    peers.crash(peer, keepStore);
  }

  @Override
  public void restart(int peer) {
    if (peers.node(peer) == null) {
      startPeer(peer);
    }
  }

  @Override
  public void trackerDown() {
    peers.stopTracker();
  }

  @Override
  public void trackerUp() {
    peers.startTracker();
  }

  /**
   * The scenario's "let the network work for a while", as a condition: returns as soon as the
   * cluster is {@link #settled()}, and after {@code ms} at the latest (a story may run for a while
   * in a state that never settles, such as peers that cannot find each other with the tracker
   * down). Over real sockets a fixed sleep is either too short on a loaded box or wastes time.
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
      if (peers.node(a) == null || side[a] >= 0) {
        continue;
      }
      side[a] = sides;
      for (int b = a + 1; b < n; b++) {
        if (side[b] < 0 && peers.node(b) != null && !peers.blocked(a, b)) {
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
      PeerNode node = peers.node(i);
      if (node == null || side[i] < 0) {
        continue;
      }
      int reach = sizes[side[i]] - 1;
      int want = reach <= FULL_MESH ? reach : 1;
      if (node.linkCount() < want) {
        return false;
      }
      Map<PeerId, SeqSet> h = holdingsIfNothingHeld(node);
      if (h == null) {
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
    for (int i = 0; i < peers.size(); i++) {
      PeerNode node = peers.node(i);
      if (node == null) {
        continue;
      }
      Map<PeerId, SeqSet> h = holdingsIfNothingHeld(node);
      if (h == null || (any && !Objects.equals(first, h))) {
        return false;
      }
      first = h;
      any = true;
    }
    return true;
  }

  /** What {@code node} holds, or null if it holds anything back. */
  private static Map<PeerId, SeqSet> holdingsIfNothingHeld(PeerNode node) {
    Object[] state = node.inspect(r -> new Object[] {r.holdings(), r.heldBackCount()}).join();
    @SuppressWarnings("unchecked")
    Map<PeerId, SeqSet> h = (Map<PeerId, SeqSet>) state[0];
    return (int) state[1] > 0 ? null : h;
  }

  /**
   * Peer {@code i}'s node, for a test that reads its counters, gauges or history, or attacks it;
   * null while it is down.
   */
  public PeerNode node(int i) {
    return peers.node(i);
  }

  /**
   * Where peer {@code i} really listens, behind its proxy: what a stranger who learned the address
   * dials, so that the peer sees the stranger's own source address.
   */
  public InetSocketAddress listenAddress(int i) {
    return peers.listenAddress(i);
  }

  /** Links up at peer {@code i} now; 0 if it is down. */
  public int linkCount(int i) {
    PeerNode node = peers.node(i);
    return node == null ? 0 : node.linkCount();
  }

  /** What peer {@code i}'s store holds: the live node's, or its data dir's while it is down. */
  private List<ChatMessage> stored(int i) {
    PeerNode n = peers.node(i);
    if (n != null) {
      return n.history(Integer.MAX_VALUE).join();
    }
    Path dir = peers.dataDir(i);
    if (!Files.isDirectory(dir)) {
      return List.of(); // wiped, or never started
    }
    try (MessageStore s = SqliteMessageStore.open(dir, "lobby", false)) {
      return s.history(Integer.MAX_VALUE);
    }
  }

  /**
   * What peer {@code i}, stopped, showed in its past lives, as its store tells it: every stored
   * message but those held back when it stopped (they wait again, and are shown later).
   */
  private Set<MessageId> shownBefore(int i) {
    Path dir = peers.dataDir(i);
    if (peers.node(i) != null || !Files.isDirectory(dir)) {
      return new LinkedHashSet<>(storedIds(i)); // wiped, or never started
    }
    try (MessageStore s = SqliteMessageStore.open(dir, "lobby", false)) {
      Set<MessageId> shown = new LinkedHashSet<>();
      s.history(Integer.MAX_VALUE).forEach(m -> shown.add(m.id()));
      s.waiting().forEach(shown::remove);
      return shown;
    }
  }

  private List<MessageId> storedIds(int i) {
    return stored(i).stream().map(ChatMessage::id).toList();
  }

  @Override
  public History history() {
    List<PeerHistory> out = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      List<Segment> copy = new ArrayList<>();
      synchronized (segments.get(i)) {
        for (Segment s : segments.get(i)) {
          synchronized (s.deliveries()) {
            copy.add(new Segment(s.startMs(), s.restored(), List.copyOf(s.deliveries())));
          }
        }
      }
      PeerNode n = peers.node(i);
      out.add(
          new PeerHistory(
              "p" + i,
              peers.id(i),
              n != null,
              copy,
              stored(i),
              forkNotices.get(i),
              n == null ? Map.of() : n.equivocators().join()));
    }
    List<History.Sent> s = new ArrayList<>();
    synchronized (sent) {
      for (SentAt a : sent) {
        boolean kept = peers.storeGeneration(a.author()) == a.storeGeneration();
        s.add(new History.Sent(a.message().id(), a.author(), a.timeMs(), kept));
      }
    }
    return new History(out, s);
  }

  @Override
  public void close() {
    peers.close();
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
