package meshchat.peer.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.identity.Identity;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;

/**
 * A fixture of real PeerNodes on loopback sharing one pair of event loop groups, with an in-process
 * tracker on a fixed free port; verbs tell the story (start, crash, restart, stopTracker). Built
 * with a directory, every peer keeps a real SQLite store and peer cache in its own data dir there,
 * so a restart resumes from disk as the product does.
 */
final class LocalMesh implements AutoCloseable {
  final PeerGroups groups = PeerGroups.create(2, 2);
  final List<PeerNode> nodes = new ArrayList<>();
  final List<Recorder> recorders = new ArrayList<>();
  final List<PeerId> ids = new ArrayList<>();
  private final List<Identity> identities = new ArrayList<>();
  private final java.util.Map<PeerId, InMemoryMessageStore> stores = new java.util.HashMap<>();
  final int trackerPort;
  private final SplittableRandom random = new SplittableRandom(42);
  private final Path dataRoot; // null: in-memory stores, no peer cache
  TrackerServer tracker;

  LocalMesh() {
    this(null);
  }

  LocalMesh(Path dataRoot) {
    this.dataRoot = dataRoot;
    trackerPort = freePort();
  }

  Path dataDir(int i) {
    return dataRoot.resolve("p" + i);
  }

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  LocalMesh startTracker() {
    try {
      tracker =
          TrackerServer.start(
              TrackerConfig.localTest()
                  .withPort(trackerPort)
                  .withHeartbeatInterval(java.time.Duration.ofMillis(500)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  void stopTracker() {
    tracker.close();
    tracker = null;
  }

  PeerConfig config(int i) {
    while (ids.size() <= i) {
      Identity id = Identity.seeded(random);
      identities.add(id);
      ids.add(id.peerId());
    }
    PeerConfig c =
        PeerConfig.of("lobby", "p" + i, identities.get(i))
            .withTracker(new InetSocketAddress("127.0.0.1", trackerPort), false)
            .withTrackerRetry(50, 500)
            .withLinkConfig(LinkConfig.fastTest())
            .withRoomConfig(RoomConfig.defaults().withSyncIntervalMs(500))
            .withSeed(i);
    return dataRoot == null ? c : c.withPeerCache(dataDir(i).resolve("peers"));
  }

  PeerNode start(int i) {
    return start(config(i));
  }

  PeerNode start(PeerConfig c) {
    int i = ids.indexOf(c.self());
    Recorder r = new Recorder();
    try {
      boolean first = i >= nodes.size() || nodes.get(i) == null; // a restart reuses the identity
      PeerNode n = PeerNode.start(c, store(i, c.self()), groups, r, first);
      while (nodes.size() <= i) {
        nodes.add(null);
        recorders.add(null);
      }
      nodes.set(i, n);
      recorders.set(i, r);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The store peer {@code i} starts with: its SQLite file, reopened on every restart. */
  MessageStore store(int i, PeerId self) {
    if (dataRoot == null) {
      return stores.computeIfAbsent(self, x -> new InMemoryMessageStore());
    }
    try {
      java.nio.file.Files.createDirectories(dataDir(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SqliteMessageStore.open(dataDir(i), "lobby");
  }

  void startAll(int n) {
    for (int i = 0; i < n; i++) {
      start(i);
    }
  }

  PeerNode node(int i) {
    return nodes.get(i);
  }

  Recorder seen(int i) {
    return recorders.get(i);
  }

  @Override
  public void close() {
    for (PeerNode n : nodes) {
      if (n != null) {
        n.close();
      }
    }
    if (tracker != null) {
      tracker.close();
    }
    groups.close();
  }
}
