package meshchat.testkit.netty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;

/**
 * One slot of a {@link NettyCluster}: a real {@link PeerNode} over a real SQLite store in its own
 * data directory, behind its {@link FaultProxy}, and the record of what it showed. The slot
 * outlives crashes: a restart starts a new node with the same id and port, on the same directory
 * (keep) or a fresh one (wipe).
 */
final class NetPeer {
  private final int index;
  private final Identity identity;
  private final PeerId id;
  private final String name;
  private final FaultProxy proxy;
  private final InetSocketAddress listen;
  private final Path root;
  private final LongSupplier clock;
  private final List<Segment> segments = new ArrayList<>();
  private final AtomicLong forkNotices = new AtomicLong();
  private Path dataDir;
  private String room;
  private int storeGeneration;
  private volatile PeerNode node;
  private Recorder recorder;
  private boolean started; // once: later starts reuse the identity, so they check their own seqs

  NetPeer(int index, Identity identity, FaultProxy proxy, Path root, LongSupplier clock) {
    this.index = index;
    this.identity = identity;
    this.id = identity.peerId();
    this.name = "p" + index;
    this.proxy = proxy;
    // a loopback address of its own, on the proxy's port: see FaultProxy
    this.listen = new InetSocketAddress("127.0.1." + (index + 1), proxy.port());
    this.root = root;
    this.clock = clock;
  }

  /** Starts the first incarnation, or restarts after {@link #crash}. */
  void start(PeerConfig base, PeerGroups groups) {
    if (node != null) {
      return;
    }
    room = base.room();
    if (dataDir == null) {
      dataDir = root.resolve(name + "-" + (++storeGeneration));
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    MessageStore store = SqliteMessageStore.open(dataDir, base.room(), false);
    LinkedHashSet<MessageId> restored = new LinkedHashSet<>();
    store.history(Integer.MAX_VALUE).forEach(m -> restored.add(m.id()));
    List<Delivered> log = Collections.synchronizedList(new ArrayList<>());
    synchronized (segments) {
      segments.add(new Segment(clock.getAsLong(), restored, log));
    }
    recorder = new Recorder(log);
    PeerConfig c =
        PeerConfig.of(base.room(), name, identity)
            .withListen(listen.getHostString(), listen.getPort())
            .withTrackers(base.trackers(), false)
            .withTrackerRetry(base.trackerRetryMinMs(), base.trackerRetryMaxMs())
            .withRoomConfig(base.roomConfig())
            .withLinkConfig(base.linkConfig())
            .withSeed(base.seed() + index); // the cluster's seed decides every peer's choices
    try {
      node = PeerNode.start(c, store, groups, recorder, !started);
      started = true;
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException("p" + index + " could not listen on " + listen, e);
    }
    proxy.target(listen);
  }

  /** Stops dead (no Close, no unregister); {@code keepStore=false} forgets the data directory. */
  void crash(boolean keepStore) {
    PeerNode n = node;
    if (n == null) {
      return;
    }
    recorder.current = false;
    proxy.target(null);
    n.crash();
    node = null;
    if (!keepStore) {
      dataDir = null; // the files stay in the run's temp dir until close; never read again
    }
  }

  /** Sends as this peer and waits until it is stored here; null if the peer is down. */
  ChatMessage send(String text) {
    PeerNode n = node;
    return n == null ? null : n.send(text).join();
  }

  void closeNode() {
    PeerNode n = node;
    if (n != null) {
      recorder.current = false;
      n.close();
      node = null;
    }
  }

  PeerNode node() {
    return node;
  }

  InetSocketAddress listen() {
    return listen;
  }

  boolean alive() {
    return node != null;
  }

  int index() {
    return index;
  }

  PeerId id() {
    return id;
  }

  int storeGeneration() {
    return storeGeneration;
  }

  /**
   * The index of the peer whose own loopback address (127.0.1.(index + 1)) {@code address} is, or
   * -1: a peer dials from the address it listens on, so a proxy knows who dials.
   */
  static int indexOf(SocketAddress address) {
    if (address instanceof InetSocketAddress a && a.getAddress() != null) {
      byte[] ip = a.getAddress().getAddress();
      if (ip.length == 4 && ip[0] == 127 && ip[1] == 0 && ip[2] == 1 && ip[3] != 0) {
        return (ip[3] & 0xff) - 1;
      }
    }
    return -1;
  }

  FaultProxy proxy() {
    return proxy;
  }

  PeerHistory history() {
    List<ChatMessage> finalStore;
    PeerNode n = node;
    if (n != null) {
      finalStore = n.history(Integer.MAX_VALUE).join();
    } else if (dataDir != null) {
      try (MessageStore s = SqliteMessageStore.open(dataDir, room, false)) {
        finalStore = s.history(Integer.MAX_VALUE);
      }
    } else {
      finalStore = List.of();
    }
    List<Segment> copy = new ArrayList<>();
    synchronized (segments) {
      for (Segment s : segments) {
        synchronized (s.deliveries()) {
          copy.add(new Segment(s.startMs(), s.restored(), List.copyOf(s.deliveries())));
        }
      }
    }
    return new PeerHistory(
        name,
        id,
        n != null,
        copy,
        finalStore,
        forkNotices.get(),
        n == null ? Map.of() : n.equivocators().join());
  }

  /** Records one incarnation's deliveries; silenced when it crashes. */
  private final class Recorder implements PeerListener {
    private final List<Delivered> log;
    volatile boolean current = true;

    Recorder(List<Delivered> log) {
      this.log = log;
    }

    @Override
    public void delivered(Delivery d) {
      if (current) {
        log.add(
            new Delivered(clock.getAsLong(), d.message(), d.late(), d.catchUp(), d.incomplete()));
      }
    }

    @Override
    public void notice(RoomNotice notice) {
      if (current && notice instanceof RoomNotice.Fork) {
        forkNotices.incrementAndGet();
      }
    }
  }
}
