package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/** The times of the last messages delivered, by id, against a list of them kept the slow way. */
class RecentMessagesTest {
  private static ChatMessage message(PeerId origin, long seq) {
    return new ChatMessage(new MessageId(origin, seq), seq, 0, "n", "t", List.of());
  }

  @Test
  void holdsExactlyTheLastMessagesPutThroughManyEvictions() {
    SplittableRandom random = new SplittableRandom(7);
    List<PeerId> authors = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      authors.add(PeerId.random(random)); // few authors: long probe clusters of one origin
    }
    RecentMessages recent = new RecentMessages(64);
    List<ChatMessage> put = new ArrayList<>();
    long[] seqs = new long[authors.size()];
    for (int n = 0; n < 5_000; n++) {
      int a = random.nextInt(authors.size());
      ChatMessage m = message(authors.get(a), ++seqs[a]);
      recent.put(m);
      put.add(m);
      if (n % 97 == 0) {
        for (int i = 0; i < put.size(); i++) {
          ChatMessage p = put.get(i);
          boolean kept = i >= put.size() - 64;
          // a new MessageId, as a dependency names it: found by value, not by identity
          MessageId id = new MessageId(p.origin(), p.seq());
          assertThat(recent.lamportOf(id.origin(), id.seq()))
              .as("put %d of %d", i, put.size())
              .isEqualTo(kept ? p.lamport() : RecentMessages.ABSENT);
        }
      }
    }
  }

  @Test
  void aSecondPutOfAnIdReplacesItWithoutForgettingAnother() {
    PeerId a = PeerId.random(new SplittableRandom(1));
    RecentMessages recent = new RecentMessages(2);
    recent.put(message(a, 1));
    recent.put(message(a, 2));
    ChatMessage again = new ChatMessage(new MessageId(a, 2), 9, 0, "n", "t", List.of());
    recent.put(again);
    assertThat(recent.lamportOf(a, 1)).isEqualTo(1);
    assertThat(recent.lamportOf(a, 2)).isEqualTo(9);
    assertThat(recent.lamportOf(a, 3)).isEqualTo(RecentMessages.ABSENT);
  }

  @Test
  void seqsAtTheEdgesKeepTheirOwnTimesListedBackwards() {
    // one origin, seqs whose low bits alias (2^32 + 1 and 1) and the wire's bound, put newest
    // first: each keeps its own time through evictions, none reads another's seq or time
    PeerId a = PeerId.random(new SplittableRandom(2));
    long[] seqs = {
      1L << 62, (1L << 32) + 1, 1L << 32, Integer.MAX_VALUE + 1L, Integer.MAX_VALUE, 2, 1
    };
    RecentMessages recent = new RecentMessages(4);
    for (int i = 0; i < seqs.length; i++) {
      recent.put(new ChatMessage(new MessageId(a, seqs[i]), 100 + i, 0, "n", "t", List.of()));
      for (int j = 0; j < seqs.length; j++) {
        boolean kept = j <= i && j > i - 4;
        assertThat(recent.lamportOf(a, seqs[j]))
            .as("seq %d after %d puts", seqs[j], i + 1)
            .isEqualTo(kept ? 100 + j : RecentMessages.ABSENT);
      }
    }
  }

  @Test
  void theLargestCapacityKeepsItsLast65535AndForgetsTheRest() {
    // ring positions + 1 up to 65,535 are the index's chars at their limit
    PeerId a = PeerId.random(new SplittableRandom(3));
    PeerId b = PeerId.random(new SplittableRandom(4));
    RecentMessages recent = new RecentMessages(65_535);
    int puts = 70_000;
    for (int n = 1; n <= puts; n++) {
      recent.put(
          new ChatMessage(new MessageId(n % 2 == 0 ? a : b, n), n + 7L, 0, "n", "t", List.of()));
    }
    for (int n = 1; n <= puts; n += n < 4_400 || n > 69_990 ? 1 : 17) {
      boolean kept = n > puts - 65_535;
      assertThat(recent.lamportOf(n % 2 == 0 ? a : b, n))
          .as("put %d", n)
          .isEqualTo(kept ? n + 7L : RecentMessages.ABSENT);
      assertThat(recent.lamportOf(n % 2 == 0 ? b : a, n)).isEqualTo(RecentMessages.ABSENT);
    }
  }

  @Test
  void aCapacityOutside1To65535IsRefused() {
    for (int capacity : new int[] {0, -1, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecentMessages(capacity))
          .isInstanceOf(IllegalArgumentException.class);
    }
    RecentMessages one = new RecentMessages(1);
    PeerId a = PeerId.random(new SplittableRandom(5));
    one.put(message(a, 1));
    one.put(message(a, 2));
    assertThat(one.lamportOf(a, 1)).isEqualTo(RecentMessages.ABSENT);
    assertThat(one.lamportOf(a, 2)).isEqualTo(message(a, 2).lamport());
  }
}
