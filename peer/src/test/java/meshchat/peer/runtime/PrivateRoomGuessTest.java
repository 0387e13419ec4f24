package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.runtime.PakeGuesser.Attempt;
import org.junit.jupiter.api.Test;

/**
 * Guessing a private room's secret against a real member over real TLS sockets: a stranger learns
 * whether its one guess was right and never the room id, and an address that has spent its guesses
 * is refused while a member from another address still joins (docs/security.md, "Private rooms").
 */
class PrivateRoomGuessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());
  private static final RoomKey WRONG = RoomKey.derive("lobby", "battery staple".toCharArray());

  /** The room id as text, and the 16 bytes its 32 hex digits stand for. */
  private static void assertNoRoomIdIn(byte[] received) {
    String asText = new String(received, StandardCharsets.ISO_8859_1);
    assertThat(asText).doesNotContain(KEY.roomId()).doesNotContain(KEY.roomId().substring(2));
    String raw =
        new String(HexFormat.of().parseHex(KEY.roomId().substring(2)), StandardCharsets.ISO_8859_1);
    assertThat(asText).doesNotContain(raw).doesNotContain("lobby");
  }

  @Test
  void aStrangerWithAWrongSecretLearnsOnlyThatItWasWrongAndNeverTheRoomId() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false).withRoomKey(KEY));
      PakeGuesser mallory = new PakeGuesser(InetAddress.getByName("127.0.0.1"));

      Attempt wrong = mallory.attempt(a.port(), WRONG, "");
      assertThat(wrong.frames().get(0)).isInstanceOf(Hello.class);
      assertThat(((Hello) wrong.frames().get(0)).room()).isEmpty();
      assertThat(wrong.confirmed()).isFalse(); // its one bit: the guess was wrong
      assertThat(wrong.close())
          .isEqualTo(new Close(CloseReason.UNAUTHENTICATED, "wrong room secret"));
      assertNoRoomIdIn(wrong.bytes());

      // naming the room id (learned elsewhere, from a tracker) or a wrong one makes no difference:
      // the answer is not an oracle for the id
      Attempt named = mallory.attempt(a.port(), WRONG, KEY.roomId());
      Attempt other = mallory.attempt(a.port(), WRONG, "p-00000000000000000000000000000000");
      assertThat(named.close()).isEqualTo(other.close());
      assertThat(named.close().reason()).isEqualTo(CloseReason.WRONG_ROOM);
      assertNoRoomIdIn(other.bytes());

      assertThat(a.counters().get(Counter.WRONG_ROOM_SECRET)).isEqualTo(1);
      assertThat(a.linkCount()).isZero();
    }
  }

  @Test
  void anAddressOutOfGuessesIsRefusedWhileAMemberFromAnotherAddressStillJoins() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false).withRoomKey(KEY));
      PakeGuesser mallory = new PakeGuesser(InetAddress.getByName("127.0.0.2"));
      for (int i = 0; i < 5; i++) {
        Attempt guess = mallory.attempt(a.port(), WRONG, "");
        assertThat(guess.close().message()).isEqualTo("wrong room secret");
      }

      // the sixth is refused before any exchange: no Hello, no J-PAKE, so no guess at all; even
      // the right secret gets nothing from that address until its bucket refills
      for (RoomKey guess : new RoomKey[] {WRONG, KEY}) {
        Attempt refused = mallory.attempt(a.port(), guess, "");
        assertThat(refused.frames()).hasSize(1);
        assertThat(refused.close())
            .isEqualTo(
                new Close(
                    CloseReason.UNAUTHENTICATED,
                    "too many wrong room secrets from this address; try again later"));
      }
      assertThat(a.counters().get(Counter.SECRET_GUESSES_THROTTLED)).isEqualTo(2);
      assertThat(a.counters().get(Counter.WRONG_ROOM_SECRET)).isEqualTo(5);

      // an honest member dialing from 127.0.0.1 links and is heard
      PeerNode b = mesh.start(mesh.config(1).withTracker(null, false).withRoomKey(KEY));
      b.dial(new PeerAddress(a.self(), "p0", "127.0.0.1", a.port()));
      await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
      b.send("still here").join();
      await().atMost(WAIT).until(() -> mesh.seen(0).texts().contains("still here"));
    }
  }
}
