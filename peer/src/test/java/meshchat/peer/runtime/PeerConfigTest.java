package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;
import org.junit.jupiter.api.Test;

/** A peer's room settings, where they differ from the core's (docs/protocol.md, "Anti-entropy"). */
class PeerConfigTest {
  @Test
  void aPeerAsksForAndAnswersUpTo2048MessagesAtATimeWhereTheSimulationTakes512() {
    RoomConfig peer = PeerConfig.of("room", "ann", Identity.generate()).roomConfig();

    assertThat(peer.syncMaxMessages()).isEqualTo(2_048);
    assertThat(RoomConfig.defaults().syncMaxMessages()).isEqualTo(512);
    assertThat(peer).isEqualTo(PeerConfig.ROOM_DEFAULTS);
  }

  @Test
  void anAnswerOf2048HundredCharacterLinesFitsTheFrameBudgetOfOneBatch() {
    // a second frame would repeat the extensions of its runs up to their heads
    SplittableRandom random = new SplittableRandom(1);
    PeerId origin = PeerId.random(random);
    ChatMessage line =
        new ChatMessage(
            new MessageId(origin, 2),
            2,
            1_700_000_000_000L,
            "author",
            "x".repeat(100),
            List.of(new MessageId(PeerId.random(random), 1)),
            new byte[32]);

    assertThat(line.frameBytesBound()).isEqualTo(346);
    assertThat(PeerConfig.ROOM_DEFAULTS.syncMaxMessages() * line.frameBytesBound())
        .isLessThanOrEqualTo(PeerConfig.ROOM_DEFAULTS.batchMaxBytes());
    assertThat(RoomConfig.defaults().syncMaxMessages() * line.frameBytesBound())
        .isLessThanOrEqualTo(RoomConfig.defaults().batchMaxBytes());
  }
}
