package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.RoomKey;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real trackers and peers on loopback: every peer registers with each tracker it was given, so the
 * room is found while any one is up. Peer i knows trackers i%3 and (i+1)%3, so each tracker sees
 * four of the six and no single tracker is needed by anyone.
 */
class SeveralTrackersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final int[] ports = {
    LoopbackCluster.freePort(), LoopbackCluster.freePort(), LoopbackCluster.freePort()
  };
  private final TrackerServer[] trackers = new TrackerServer[3];

  private TrackerServer startTracker(int k) throws IOException {
    trackers[k] =
        TrackerServer.start(
            TrackerConfig.localTest()
                .with(
                    cfg -> {
                      cfg.port = ports[k];
                      cfg.heartbeatInterval = Duration.ofMillis(500);
                    }));
    return trackers[k];
  }

  private void killTracker(int k) {
    trackers[k].close();
    trackers[k] = null;
  }

  private List<InetSocketAddress> at(int... ks) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (int k : ks) {
      out.add(new InetSocketAddress("127.0.0.1", ports[k]));
    }
    return out;
  }

  private int membersAt(int k, String room) throws Exception {
    return trackers[k].inspect(d -> d.lookup(room).size()).get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopTrackers() {
    for (TrackerServer t : trackers) {
      if (t != null) {
        t.close();
      }
    }
  }

  @Test
  void peersSplitOverThreeTrackersStayLinkedWhileEachIsKilledAndRestarted() throws Exception {
    for (int k = 0; k < 3; k++) {
      startTracker(k);
    }
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      for (int i = 0; i < 6; i++) {
        mesh.start(mesh.config(i).withTrackers(at(i % 3, (i + 1) % 3), false));
      }
      awaitFullMesh(mesh, 6);
      for (int k = 0; k < 3; k++) {
        int tracker = k;
        await().atMost(WAIT).until(() -> membersAt(tracker, "lobby") == 4);
      }
      int sent = 0;
      for (int k = 0; k < 3; k++) {
        killTracker(k);
        mesh.node(k).send("while tracker " + k + " is down").join();
        sent++;
        int expected = sent;
        for (int i = 0; i < 6; i++) {
          int peer = i;
          await().atMost(WAIT).until(() -> mesh.seen(peer).deliveries.size() == expected);
          assertThat(mesh.node(i).linkCount()).as("peer %d's links", i).isEqualTo(5);
        }
        startTracker(k);
        int tracker = k;
        // every peer that knows this tracker registers again as it returns
        await().atMost(WAIT).until(() -> membersAt(tracker, "lobby") == 4);
      }
      for (int i = 0; i < 6; i++) {
        int peer = i;
        await().atMost(WAIT).until(() -> mesh.node(peer).trackersRegistered().join() == 2);
      }

      // a newcomer that knows one tracker that is down and one that is up still joins
      killTracker(0);
      PeerNode newcomer = mesh.start(mesh.config(6).withTrackers(at(0, 2), false));
      await().atMost(WAIT).until(() -> newcomer.linkCount() == 6);
      int history = sent;
      await().atMost(WAIT).until(() -> mesh.seen(6).deliveries.size() == history);
      assertThat(newcomer.members().join()).hasSize(4); // the four peers tracker 2 knows
    }
  }

  @Test
  void aPrivateRoomShowsEachTrackerOnlyItsDerivedRoomId() throws Exception {
    RoomKey key = RoomKey.derive("plans", "correct horse".toCharArray());
    startTracker(0);
    startTracker(1);
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode a = mesh.start(mesh.config(0).withTrackers(at(0, 1), false).withRoomKey(key));
      PeerNode b = mesh.start(mesh.config(1).withTrackers(at(1), false).withRoomKey(key));
      await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
      for (int k = 0; k < 2; k++) {
        int tracker = k;
        await()
            .atMost(WAIT)
            .until(() -> membersAt(tracker, key.roomId()) == (tracker == 0 ? 1 : 2));
        assertThat(membersAt(k, "plans")).isZero();
        assertThat(trackers[k].inspect(d -> d.roomCount()).get(5, TimeUnit.SECONDS)).isEqualTo(1);
      }
      assertThat(key.roomId()).doesNotContain("plans");
    }
  }

  private static void awaitFullMesh(LoopbackCluster mesh, int n) {
    for (int i = 0; i < n; i++) {
      int peer = i;
      await().atMost(WAIT).until(() -> mesh.node(peer).linkCount() == n - 1);
    }
  }
}
