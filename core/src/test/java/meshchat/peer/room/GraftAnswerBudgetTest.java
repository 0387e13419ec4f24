package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/**
 * Since session 28 a member asking for the same history again and again costs each message once per
 * link, plus a pipeline's worth a period ({@code SyncRequestFloodTest}). A Graft asks for messages
 * too (up to 256 ids a frame): until session 29 (rev29 F8) it was answered whole, with the runs up
 * to their heads, outside that budget, and a member grafting the same 256 held ids over and over
 * had the room read and send them every time (200 grafts: 51,200 messages). Now graft answers are
 * charged to the same per-link budget, and ids not held cost no store read.
 */
class GraftAnswerBudgetTest {
  private static final int HISTORY = 256;
  private final RoomConfig config = RoomConfig.defaults();
  private final Mesh mesh = new Mesh(config, "a", "b", "m").fullMesh();
  private final Mesh.Peer a = mesh.peer("a");

  private long answeredToM() {
    return mesh.batchedMessages("a", "m");
  }

  @Test
  void graftingTheSameMessagesAgainAndAgainIsAnsweredWithinTheSyncAnswerBudget() {
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
        .isLessThanOrEqualTo(HISTORY + burst)
        .isGreaterThanOrEqualTo(HISTORY); // the first graft is answered whole
    assertThat(a.room.counters().get(Counter.SYNC_ANSWER_BUDGET)).isPositive();
    assertThat(a.closes).as("the link stays up").isEmpty();

    // the room goes on
    ChatMessage next = mesh.peer("b").send("still here?");
    mesh.pump();
    assertThat(a.shownIds()).contains(next.id());
  }

  @Test
  void anHonestGraftOfALiveMessageIsAnsweredAfterAFloodSpentTheBudget() {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < HISTORY; i++) {
      ids.add(mesh.peer("b").send("line " + i).id());
    }
    mesh.pump();
    for (int i = 0; i < 200; i++) {
      mesh.inject("m", "a", new Graft(ids));
    }
    mesh.pump();
    // a new line a holds: the budget's once-per-link part grows with it
    ChatMessage live = mesh.peer("b").send("a line m missed");
    mesh.pump();
    long before = answeredToM();
    mesh.inject("m", "a", new Graft(List.of(live.id())));
    mesh.pump();
    List<ChatMessage> sent =
        mesh.sentOf(SyncBatch.class, mesh.from("a").and(mesh.to("m"))).stream()
            .filter(b -> b.requestId() == Room.GRAFT_REPLY)
            .flatMap(b -> b.messages().stream())
            .toList();
    assertThat(answeredToM() - before).isEqualTo(1);
    assertThat(sent.get(sent.size() - 1).id()).isEqualTo(live.id());
  }
}
