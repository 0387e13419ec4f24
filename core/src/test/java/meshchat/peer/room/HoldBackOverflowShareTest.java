package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev29 F15: messages waiting for dependencies are bounded per link and per author (1,024 each) so
 * that "a hostile link or author gets this share of the hold-back, never all of it" (Room), and the
 * hold-back holds 10,000 in all, the oldest shown incomplete past that. Both shares are judged once
 * for a whole sync batch, before it is taken ({@code Room.acceptMessages}), and a batch may hold
 * 4,096 messages: a link whose share is unspent has an unsolicited batch of 4,096 waiting messages
 * (four throwaway authors, 1,024 each) taken whole. Three such links (three throwaway keys) fill
 * the 10,000, and an honest member's message waiting for its predecessor was pushed out: shown
 * incomplete, out of order. (Ten links at their 1,024 reach it too, so the shares alone cannot
 * protect it.) Past the bound, the newest waiting message of the link holding the most is shown
 * incomplete now: the strangers push out their own.
 */
class HoldBackOverflowShareTest {
  @Test
  void threeStrangersBatchesCannotPushAnHonestWaitingMessageOutOfTheHoldBack() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m1", "m2", "m3").fullMesh();
    Mesh.Peer a = mesh.peer("a");
    PeerId bob = mesh.peer("b").id;
    ChatMessage waiting = chat(bob, 2, 5); // its predecessor, bob's #1, is on its way
    mesh.inject("b", "a", new Chat(waiting));
    mesh.pump();
    assertThat(a.shownIds()).doesNotContain(waiting.id());

    SplittableRandom random = new SplittableRandom(29);
    for (String stranger : List.of("m1", "m2", "m3")) {
      List<ChatMessage> batch = new ArrayList<>();
      for (int author = 0; author < 4; author++) {
        PeerId throwaway = PeerId.random(random);
        for (int seq = 2; seq <= 1_025; seq++) {
          batch.add(chat(throwaway, seq, 10 + seq)); // each waits for #1, which never comes
        }
      }
      mesh.inject(stranger, "a", new SyncBatch(77, batch, true, List.of()));
      mesh.pump();
    }

    assertThat(a.room.counters().get(Counter.HOLD_BACK_OVERFLOW))
        .as("the strangers' batches went past the bound")
        .isPositive();
    assertThat(a.shownIds()).as("bob's #2, still waiting for #1").doesNotContain(waiting.id());
    mesh.inject("b", "a", new Chat(chat(bob, 1, 4)));
    mesh.pump();
    assertThat(a.shownIds())
        .as("in order once #1 came")
        .containsSubsequence(new MessageId(bob, 1), waiting.id());
  }
}
