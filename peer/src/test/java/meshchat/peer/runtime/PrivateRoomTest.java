package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.junit.jupiter.api.Test;

/** A private room over real sockets and a real tracker: members chat, outsiders get nothing. */
class PrivateRoomTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());
  private static final RoomKey WRONG = RoomKey.derive("lobby", "battery staple".toCharArray());

  @Test
  void membersChatWhileAWrongSecretAndAMissingOneAreKeptOut() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42).startTracker()) {
      PeerNode a = mesh.start(mesh.config(0).withRoomKey(KEY));
      PeerNode b = mesh.start(mesh.config(1).withRoomKey(KEY));
      PeerNode guesser = mesh.start(mesh.config(2).withRoomKey(WRONG));
      await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);

      a.send("the plan").join();
      await().atMost(WAIT).until(() -> mesh.seen(1).texts().contains("the plan"));

      // the tracker knows only room ids: nothing under the name, and the wrong secret's room id
      // is another room, so the guesser is never told about a or b
      TrackerClient probe =
          TrackerClient.connect(
                  new InetSocketAddress("127.0.0.1", mesh.trackerPort()),
                  mesh.groups().io(),
                  new TrackerListener() {})
              .join();
      try {
        assertThat(probe.lookup("lobby").get(5, TimeUnit.SECONDS).getMembersList()).isEmpty();
        assertThat(probe.lookup(KEY.roomId()).get(5, TimeUnit.SECONDS).getMembersList()).hasSize(2);
      } finally {
        probe.close();
      }
      assertThat(KEY.roomId()).doesNotContain("lobby");

      // an outsider who learned the room id (not the secret) registers under it and dials a:
      // its Hello names the right room but its proof lacks the room MAC, so it is refused
      PeerConfig c = mesh.config(3);
      PeerNode outsider =
          mesh.start(
              c.with(
                  d -> {
                    d.room = KEY.roomId();
                    d.roomKey = null;
                  }));
      PeerAddress aAddress = new PeerAddress(a.self(), "p0", "127.0.0.1", a.port());
      guesser.dial(aAddress);
      outsider.dial(aAddress);
      await()
          .during(Duration.ofMillis(500))
          .atMost(WAIT)
          .until(
              () ->
                  guesser.linkCount() == 0
                      && outsider.linkCount() == 0
                      && a.linkCount() == 1
                      && mesh.seen(2).texts().isEmpty());
      assertThat(mesh.seen(0).texts()).containsExactly("the plan");
      assertThat(List.of(a.rejectedMessages(), b.rejectedMessages())).containsOnly(0L);
    }
  }
}
