package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev33 FINDING. {@link Room#historyBefore} (the chat's {@code /history}, its start scrollback)
 * leaves out rows stored but refused as backdated, and makes up for rows held back (pending) only:
 * after four rounds of reading it returns what it found. A member whose sync batch carries one
 * question and 100 replies stamped at the question's own time (each refused as backdated: "stored
 * there, never shown", {@code BatchBackdatedTest}) puts 100 hidden rows on top of the history. Then
 * {@code history(20)} returns one line, and paging back with the cursor returns an empty page,
 * which {@code /history} prints as "no earlier messages": every line the room showed before is out
 * of reach of the screen, though stored.
 */
class BackdatedRowsHideHistoryTest {
  private static final PeerId R = PeerId.fromHex("01"); // sorts below Q at one Lamport time
  private static final PeerId Q = PeerId.fromHex("ff");
  private static final int HONEST = 30;
  private static final int HIDDEN = 100;
  private static final int PAGE = 20;

  @Test
  void rowsRefusedAsBackdatedDoNotHideTheLinesShownBeforeThemFromHistory() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "m").fullMesh();
    Mesh.Peer a = mesh.peer("a");
    mesh.run(10);
    for (int i = 0; i < HONEST; i++) {
      a.send("honest " + i);
    }
    mesh.run(10);
    long top = a.room.history(1).get(0).lamport();

    SyncBatch batch = Mesh.questionWithBackdatedReplies(Q, R, top + 5, HIDDEN);
    ChatMessage q = batch.messages().get(0);
    mesh.inject("m", "a", batch);
    mesh.pump();
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(HIDDEN);
    assertThat(a.shownIds()).contains(q.id());

    // /history again and again, as Commands pages: until a page is empty ("no earlier messages")
    List<String> paged = new ArrayList<>();
    ChatMessage cursor = null;
    for (int pages = 0; pages < 100; pages++) {
      List<ChatMessage> page = a.room.historyBefore(cursor, PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (int i = page.size() - 1; i >= 0; i--) {
        paged.add(page.get(i).text());
      }
      cursor = page.get(0);
    }
    assertThat(paged)
        .as("every line shown before the hidden rows is reached by paging back")
        .contains("honest 0", "honest " + (HONEST - 1));
    // the start scrollback and a first /history of 20: the question and the 19 lines below it
    assertThat(a.room.history(PAGE)).as("the last %d lines the screen showed", PAGE).hasSize(PAGE);
  }
}
