package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-11. What is wrong: the offline {@code meshchat history} labels a line's nick from
 * the data dir's known nicks ({@code Names.text(known.peek(...))}: another key's use of a pinned
 * nick shows its fingerprint and "(unknown key)", rev27), but prints a NICK CHANGE's new nick bare
 * ({@code Visible.of(m.nick())}): mallory's key taking alice's pinned nick reads {@code * 7c01aa00
 * is now known as alice}, while the chat shows the same event as {@code ... is now known as
 * alice·7c01 (unknown key)}. The offline history is the one a user re-reads to check who said what;
 * it should not announce an impostor as "alice".
 *
 * <p>Correct behaviour: the new nick of a nick change is labelled through {@code Names.text} from
 * the known nicks, as the chat's line and the history's text lines are.
 */
class HistoryNickChangeLabelTest {
  private static final long WALL = Instant.parse("2026-12-06T12:03:00Z").toEpochMilli();
  private static final PeerId ALICE = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY = PeerId.fromHex("7c01aa00000000000000000000000002");

  @Test
  void aNickChangeToAnotherKeysPinnedNickIsLabelledAsTheChatLabelsIt() {
    NickBook known = new NickBook(() -> {});
    known.see(ALICE, "alice", WALL); // the data dir pinned alice's key to "alice"
    ChatMessage text =
        new ChatMessage(new MessageId(MALLORY, 2), 2, WALL, "alice", "it is me", List.of());
    assertThat(HistoryCommand.textLine(text, known))
        .as("a text line is labelled")
        .contains("(unknown key)");
    ChatMessage change =
        ChatMessage.nickChange(new MessageId(MALLORY, 1), 1, WALL, "alice", List.of());
    assertThat(HistoryCommand.textLine(change, known))
        .as("mallory's nick change to alice's pinned nick")
        .contains("(unknown key)");
  }
}
