package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/**
 * rev29 F8: rev27 F7 bounded what a member asking for the same history again and again costs (each
 * message once per link, plus a pipeline's worth a period: {@code SyncRequestFloodTest}). A Graft
 * asks for messages too (up to 256 ids a frame) and is answered whole, with the runs up to their
 * heads, outside that budget ({@code Room.answerGraft}): a member that grafts the same 256 held ids
 * over and over has the room read and send them every time, at up to 20,000 frames a second. Here
 * 200 grafts of the 256 lines a peer holds are answered 51,200 messages.
 */
class Rev29F8GraftFloodTest {
  private static final int HISTORY = 256;
  private final RoomConfig config = RoomConfig.defaults();
  private final Mesh mesh = new Mesh(config, "a", "b", "m").fullMesh();
  private final Mesh.Peer a = mesh.peer("a");

  private long answeredToM() {
    return mesh.sentOf(SyncBatch.class, mesh.from("a").and(mesh.to("m"))).stream()
        .mapToLong(b -> b.messages().size())
        .sum();
  }

  @Test
  void graftingTheSameMessagesAgainAndAgainIsAnsweredWithinABudget() {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < HISTORY; i++) {
      ids.add(mesh.peer("b").send("line " + i).id());
    }
    mesh.pump();
    assertThat(a.history()).hasSize(HISTORY);
    long before = answeredToM();
    long burst = 2L * config.syncMaxMessages() * config.syncPipeline();

    for (int i = 0; i < 200; i++) {
      mesh.inject("m", "a", new Graft(ids));
    }
    mesh.pump();
    long answered = answeredToM() - before;
    assertThat(answered)
        .as("messages sent to answer 200 grafts of the same %d held ids", HISTORY)
        .isLessThanOrEqualTo(HISTORY + burst);

    // the room goes on
    ChatMessage next = mesh.peer("b").send("still here?");
    mesh.pump();
    assertThat(a.shownIds()).contains(next.id());
  }
}
