package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
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

  @Test
  void settledMessagesAreDroppedFromTheFrontOnlyAndTheRingStaysInOrder() {
    for (int run = 0; run < 20; run++) {
      Random random = new Random(100 + run);
      LinkState link = new LinkState(null, null, null, null);
      ArrayDeque<CausalBuffer.Held> model = new ArrayDeque<>();
      ArrayDeque<Long> modelAt = new ArrayDeque<>();
      long at = 0;
      for (int step = 0; step < 5_000; step++) {
        int r = random.nextInt(10);
        if (r < 5) {
          int burst = random.nextInt(40) == 0 ? 300 : 1; // grows the ring while it wraps
          for (int b = 0; b < burst; b++) {
            at += random.nextInt(3);
            CausalBuffer.Held h = held(step + 1);
            link.depsDue(h, at);
            model.add(h);
            modelAt.add(at);
          }
        } else if (r < 8 && !model.isEmpty()) {
          // settle some queued message, often one near the front: shown incomplete
          int k = random.nextInt(Math.min(model.size(), random.nextBoolean() ? 3 : model.size()));
          model.stream().skip(k).findFirst().orElseThrow().shownIncomplete = true;
        } else {
          link.dropSettledDepsDue();
          while (!model.isEmpty() && model.peek().shownIncomplete) {
            model.poll();
            modelAt.poll();
          }
        }
        assertThat(link.anyDepsDue()).isEqualTo(!model.isEmpty());
        if (!model.isEmpty()) {
          assertThat(link.nextDepsDue()).isEqualTo(modelAt.peek());
        }
      }
      // what is left comes back in order, settled ones behind an unsettled one included
      long end = at;
      for (CausalBuffer.Held h = link.pollDepsDue(end); h != null; h = link.pollDepsDue(end)) {
        assertThat(h).isSameAs(model.poll());
      }
      assertThat(model).isEmpty();
    }
  }

  @Test
  void aReleasedMessageIsDroppedAndAStillHeldOneStops() {
    CausalBuffer buffer = new CausalBuffer();
    MessageId dep = new MessageId(A, 1);
    CausalBuffer.Held released =
        buffer.hold(CausalBufferTest.msg(A, 2, 2, dep), false, Set.of(dep));
    MessageId never = new MessageId(PeerId.fromHex("bb"), 1);
    CausalBuffer.Held waiting =
        buffer.hold(CausalBufferTest.msg(A, 9, 9, never), false, Set.of(never));
    LinkState link = new LinkState(null, null, null, null);
    link.depsDue(released, 10);
    link.depsDue(waiting, 11);
    link.dropSettledDepsDue();
    assertThat(link.nextDepsDue()).as("nothing settled yet").isEqualTo(10);
    buffer.markDelivered(CausalBufferTest.msg(A, 1, 1), new ArrayList<>());
    assertThat(released.isHeld()).isFalse();
    link.dropSettledDepsDue();
    assertThat(link.nextDepsDue()).isEqualTo(11);
    link.dropSettledDepsDue();
    assertThat(link.pollDepsDue(11)).isSameAs(waiting);
    link.dropSettledDepsDue(); // empty: nothing to do
    assertThat(link.anyDepsDue()).isFalse();
  }
}
