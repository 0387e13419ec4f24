package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.Set;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * A link's queue of held messages whose deps come due (a ring of due times beside the messages):
 * whatever the interleaving of adds and takes, through every growth and wrap of the ring, it hands
 * back exactly the messages queued, in order, each only once it is due.
 */
class DepsDueQueueTest {
  private static final PeerId A = PeerId.fromHex("aa");

  private static CausalBuffer.Held held(long seq) {
    return new CausalBuffer.Held(
        CausalBufferTest.msg(A, seq, seq), false, Set.of(new MessageId(A, 1)), null, false, 0);
  }

  @Test
  void randomInterleavingsHandBackEachMessageOnceInOrderWhenDue() {
    for (int run = 0; run < 20; run++) {
      Random random = new Random(run);
      LinkState link = new LinkState(null, null, null, null);
      ArrayDeque<CausalBuffer.Held> model = new ArrayDeque<>();
      ArrayDeque<Long> modelAt = new ArrayDeque<>();
      long now = 0;
      long at = 0;
      for (int step = 0; step < 5_000; step++) {
        if (random.nextInt(3) > 0 || random.nextInt(50) == 0) {
          int burst = random.nextInt(40) == 0 ? 300 : 1; // grows the ring while it wraps
          for (int b = 0; b < burst; b++) {
            at += random.nextInt(3); // never earlier than the last queued
            CausalBuffer.Held h = held(step + 1);
            boolean first = link.depsDue(h, Math.max(at, now));
            assertThat(first).isEqualTo(model.isEmpty());
            model.add(h);
            modelAt.add(Math.max(at, now));
            at = Math.max(at, now);
          }
        } else {
          now += random.nextInt(4);
          for (CausalBuffer.Held h = link.pollDepsDue(now); h != null; h = link.pollDepsDue(now)) {
            assertThat(modelAt.peek()).isLessThanOrEqualTo(now);
            modelAt.poll();
            assertThat(h).isSameAs(model.poll());
          }
          assertThat(modelAt.isEmpty() || modelAt.peek() > now).isTrue();
        }
        assertThat(link.anyDepsDue()).isEqualTo(!model.isEmpty());
        if (!model.isEmpty()) {
          assertThat(link.nextDepsDue()).isEqualTo(modelAt.peek());
        }
      }
    }
  }

  @Test
  void nothingIsDueOnAnEmptyLinkAndTheLastDueTimeIsKeptExactly() {
    LinkState link = new LinkState(null, null, null, null);
    assertThat(link.pollDepsDue(Long.MAX_VALUE)).isNull();
    CausalBuffer.Held h = held(2);
    assertThat(link.depsDue(h, Long.MAX_VALUE)).isTrue();
    assertThat(link.pollDepsDue(Long.MAX_VALUE - 1)).isNull();
    assertThat(link.nextDepsDue()).isEqualTo(Long.MAX_VALUE);
    assertThat(link.pollDepsDue(Long.MAX_VALUE)).isSameAs(h);
    assertThat(link.anyDepsDue()).isFalse();
  }
}
