package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import meshchat.peer.room.Delivery;
import org.junit.jupiter.api.Test;

/**
 * (rev31) The live view prints a linked peer's nick change as {@code * OLD (id) is now known as
 * NEW}, OLD being the nick the peer's Hello (or its last change) gave. NEW is labelled as lines
 * label nicks, OLD was not: a stranger whose Hello says "alice" (alice's nick, pinned to alice's
 * key) and who then changes its nick reads {@code 12:03 * alice (7c01aa00) is now known as
 * mallory}: alice renaming herself, but for eight hex digits nobody compares. The same stranger's
 * lines and its "is here" read {@code alice·7c01 (unknown key)}.
 */
class LiveNickChangeLabelTest {
  private static final long WALL = Instant.parse("2026-12-06T12:03:00Z").toEpochMilli();
  private static final PeerId ALICE = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY = PeerId.fromHex("7c01aa00000000000000000000000002");

  @Test
  void aNickChangeFromAnotherKeysPinnedNickNamesTheOldNickAsLinesDo() {
    NickBook book = new NickBook(() -> {});
    List<String> screen = new ArrayList<>();
    ChatView view =
        new ChatView(
            screen::add, false, "lobby", 0, book, InstantSource.fixed(Instant.ofEpochMilli(WALL)));
    // alice's key is pinned to "alice"
    view.line(
        new ChatMessage(new MessageId(ALICE, 1), 1, WALL, "alice", "hi", List.of()),
        false,
        null,
        false);
    view.peerUp(MALLORY, "alice"); // mallory's Hello says "alice"
    String hereLine = screen.stream().filter(l -> l.endsWith("is here")).findFirst().orElseThrow();
    assertThat(hereLine).as("its 'is here' line").contains("(unknown key)");
    screen.clear();
    view.delivered(
        new Delivery(
            ChatMessage.nickChange(new MessageId(MALLORY, 1), 2, WALL, "mallory", List.of()),
            false,
            null,
            false,
            false));
    String shown = Visible.of(String.join("\n", screen));
    System.out.println(shown);
    assertThat(shown)
        .as("mallory's nick change, from the nick alice's key holds")
        .contains("is now known as mallory")
        .doesNotContain("* alice (7c01aa00)")
        .contains("(unknown key)");
  }
}
