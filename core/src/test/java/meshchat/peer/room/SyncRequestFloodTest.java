package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * A member that asks for the same history over and over (the frame rate limit lets 20,000 requests
 * a second through, each worth {@code syncMaxMessages} store reads) is answered each message once
 * for the link's life, then within a budget per period; an honest catch-up is not held back.
 */
class SyncRequestFloodTest {
  private static final int HISTORY = 300;
  private final RoomConfig config = RoomConfig.defaults();
  private final Mesh mesh = new Mesh(config, "a", "b", "m").fullMesh();
  private final Mesh.Peer a = mesh.peer("a");

  private long answeredToM() {
    return mesh.batchedMessages("a", "m");
  }

  private void askAll(int times) {
    for (int i = 0; i < times; i++) {
      mesh.inject(
          "m",
          "a",
          new SyncRequest(
              1_000 + i,
              List.of(new Want(mesh.peer("b").id, new SeqRange(1, HISTORY))),
              config.syncMaxMessages()));
    }
    mesh.pump();
  }

  @Test
  void askingForTheSameHistoryAgainAndAgainIsAnsweredWithinABudget() {
    for (int i = 0; i < HISTORY; i++) {
      mesh.peer("b").send("line " + i);
    }
    mesh.pump();
    assertThat(a.history()).hasSize(HISTORY);
    long before = answeredToM();
    long burst = 2L * config.syncMaxMessages() * config.syncPipeline();

    askAll(100); // 30,000 messages asked for, 300 held
    long answered = answeredToM() - before;
    assertThat(answered).isGreaterThanOrEqualTo(HISTORY).isLessThanOrEqualTo(HISTORY + burst);
    assertThat(a.room.counters().get(Counter.SYNC_ANSWER_BUDGET)).isPositive();

    // a period later, at most a period's refill more
    mesh.run(config.syncIntervalMs() * 2);
    long afterRefill = answeredToM();
    askAll(100);
    long refill = (long) config.syncMaxMessages() * config.syncPipeline();
    assertThat(answeredToM() - afterRefill).isLessThanOrEqualTo(2 * refill + HISTORY);

    // the room goes on: b's next line reaches a, and a's own is sent
    ChatMessage next = mesh.peer("b").send("still here?");
    ChatMessage own = a.send("yes");
    mesh.pump();
    assertThat(a.shownIds()).contains(next.id(), own.id());
  }

  @Test
  void anyMaxMessagesIsAnsweredWithinTheRoomsOwnLimit() {
    // enough history for the five asks below to be answered from the once-per-source allowance
    // (a new source has no asks-again budget until a period passes: rev31 FINDING-4)
    for (int i = 0; i < 5 * config.syncMaxMessages(); i++) {
      mesh.peer("b").send("line " + i);
    }
    mesh.pump();
    int id = 0;
    for (int max : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1}) {
      long before = answeredToM();
      mesh.inject(
          "m",
          "a",
          new SyncRequest(
              9_000 + id++,
              List.of(new Want(mesh.peer("b").id, new SeqRange(1, Long.MAX_VALUE >> 2))),
              max));
      mesh.pump();
      long answered = answeredToM() - before;
      assertThat(answered)
          .as("maxMessages %d", max)
          .isEqualTo(max == 1 ? 1 : config.syncMaxMessages());
    }
  }

  @Test
  void anHonestCatchUpOfMoreThanTheBudgetForAskingAgainIsAnsweredWhole() {
    Mesh two = new Mesh(config, "a", "b", "c").link("a", "b");
    int history = 3 * 2 * config.syncMaxMessages() * config.syncPipeline(); // 3 bursts' worth
    for (int i = 0; i < history; i++) {
      two.peer("b").send("line " + i);
      if (i % 500 == 0) {
        two.pump();
      }
    }
    two.pump();
    two.unlink("a", "b");
    two.link("a", "c").run(config.syncIntervalMs() * 4);
    assertThat(two.peer("c").history()).hasSize(history);
    assertThat(two.peer("a").room.counters().get(Counter.SYNC_ANSWER_BUDGET)).isZero();
  }
}
