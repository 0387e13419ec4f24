package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-7. What is wrong: a reply stamped at its question's time that comes after it in one
 * sync batch is refused as backdated: "stored there, never shown" (docs/security.md, the
 * hostile-members table; {@code BatchBackdatedTest}). But {@link Room#history} (the chat's {@code
 * /history}, its start scrollback, and the offline {@code history} command read the same rows)
 * returns every stored message, the refused reply included, in canonical order: with an origin that
 * sorts below the question's, the reply is listed ABOVE the question it answers, exactly the
 * ordering the bound on backdating exists to prevent, on the one screen that re-reads the history.
 *
 * <p>Correct behaviour: what the room refused to show as backdated is not listed by {@code history}
 * either (or is listed marked, never as an ordinary line above what it answers).
 */
class BackdatedHistoryTest {
  private final Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "m").fullMesh();
  private final Mesh.Peer a = mesh.peer("a");

  private static final PeerId R = PeerId.fromHex("01"); // sorts below Q at one Lamport time
  private static final PeerId Q = PeerId.fromHex("ff");

  @Test
  void aReplyRefusedAsBackdatedIsNotListedAboveItsQuestionByHistory() {
    ChatMessage q = chat(Q, 1, 50);
    ChatMessage r = chat(R, 1, 50, q.id()); // "agreed!", stamped at the question's own time
    mesh.inject("m", "a", new SyncBatch(1, List.of(q, r), true, List.of()));
    mesh.pump();
    assertThat(a.shownIds()).contains(q.id()).doesNotContain(r.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(1);

    List<MessageId> listed = a.room.history(10).stream().map(ChatMessage::id).toList();
    assertThat(listed)
        .as("history lists what the screen showed, not the refused reply above its question")
        .doesNotContain(r.id());
  }
}
