package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * RecentOrder against a model: every stored key in a sorted set, and the window's rule (the highest
 * {@code capacity} keys above the cutoff are kept; a key at or below the cutoff is not). Small
 * blocks make every path run often: appends, inserts far back, splits, a full block whose start has
 * moved, the lowest key leaving, emptied blocks.
 */
class RecentOrderTest {
  private static final PeerId[] ORIGINS = {
    PeerId.of(new byte[] {0x01}),
    PeerId.of(new byte[] {0x10, 0x00}),
    PeerId.of(new byte[] {0x10, 0x00, 0x01}),
    PeerId.of(new byte[] {0x7f, 1, 2, 3, 4, 5, 6, 7, 8}),
    PeerId.of(new byte[] {(byte) 0xff}),
  };

  private static final long MAX_SEQ = 1L << 62; // the highest seq a stored message has

  private record Key(long lamport, PeerId origin, long seq) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compare(lamport, o.lamport);
      if (c != 0) {
        return c;
      }
      c = origin.compareTo(o.origin);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  @Property(tries = 200)
  void everyAnswerIsTheSortedSetsOrAQuestionForSqlite(
      @ForAll @IntRange(min = 2, max = 9) int block,
      @ForAll @IntRange(min = 1, max = 60) int capacity,
      @ForAll long seed) {
    check(block, capacity, seed, 600);
  }

  @Test
  void theShippedBlockSizeAgreesWithTheModelPastManySplits() {
    check(RecentOrder.BLOCK, 5_000, 23, 40_000);
  }

  private static void check(int block, int capacity, long seed, int steps) {
    SplittableRandom random = new SplittableRandom(seed);
    RecentOrder order = new RecentOrder(capacity, block);
    TreeSet<Key> stored = new TreeSet<>();
    Key cutoff = null; // what the window's rule says the cutoff is
    TreeSet<Key> kept = new TreeSet<>();
    order.reset(0, null, 0, false);
    for (int i = 1; i <= steps; i++) {
      int kind = random.nextInt(10);
      long lamport =
          kind < 6
              ? i + random.nextInt(3) // rising, with ties
              : kind < 9 ? 1 + random.nextInt(i) : random.nextBoolean() ? 0 : Long.MAX_VALUE;
      PeerId origin = ORIGINS[random.nextInt(ORIGINS.length)];
      long seq =
          random.nextInt(20) == 0 ? (random.nextBoolean() ? 1 : MAX_SEQ) : 1 + random.nextInt(4);
      Key k = new Key(lamport, origin, seq);
      if (stored.add(k)) {
        order.stored(lamport, origin, seq);
        if (cutoff == null || k.compareTo(cutoff) > 0) {
          kept.add(k);
          if (kept.size() > capacity) {
            cutoff = kept.pollFirst();
          }
        }
      } else if (random.nextBoolean()) {
        order.stored(lamport, origin, seq); // a key kept already is kept once
      }
      assertThat(order.size()).as("step %d", i).isEqualTo(kept.size());
      order.checkShape();
      for (int p = 0; p < 3; p++) {
        probe(random, order, stored, kept, cutoff, i);
      }
    }
  }

  private static void probe(
      SplittableRandom random,
      RecentOrder order,
      TreeSet<Key> stored,
      TreeSet<Key> kept,
      Key cutoff,
      int i) {
    long time = random.nextInt(10) == 0 ? Long.MAX_VALUE : random.nextInt(i + 3);
    PeerId origin = ORIGINS[random.nextInt(ORIGINS.length)];
    LamportTimestamp ts = new LamportTimestamp(time, origin);
    Key below = stored.lower(new Key(time, origin, Long.MIN_VALUE));
    Key keptBelow = kept.lower(new Key(time, origin, Long.MIN_VALUE));
    Optional<MessageId> answer = order.predecessor(ts);
    if (keptBelow != null) {
      assertThat(answer).as("before %s", ts).contains(new MessageId(below.origin, below.seq));
      assertThat(keptBelow).isEqualTo(below);
    } else if (cutoff == null) {
      assertThat(answer).as("before %s: nothing stored below", ts).isEqualTo(Optional.empty());
      assertThat(below).isNull();
    } else {
      assertThat(answer).as("before %s: SQLite must say", ts).isNull();
    }
  }

  @Test
  void aRollbackForgetsAndAResetStartsFromTheHighestStored() {
    RecentOrder order = new RecentOrder(10, 4);
    assertThat(order.unknown()).isTrue();
    order.reset(0, null, 0, false);
    for (int s = 1; s <= 8; s++) {
      order.stored(s, ORIGINS[0], s);
    }
    assertThat(order.predecessor(new LamportTimestamp(5, ORIGINS[0])))
        .contains(new MessageId(ORIGINS[0], 4));
    order.forget();
    assertThat(order.unknown()).isTrue();
    order.reset(8, ORIGINS[0], 8, true);
    assertThat(order.size()).isZero();
    assertThat(order.predecessor(new LamportTimestamp(5, ORIGINS[0]))).as("ask SQLite").isNull();
    order.stored(7, ORIGINS[1], 1); // at or below the cutoff: not kept
    assertThat(order.size()).isZero();
    order.stored(9, ORIGINS[1], 1);
    assertThat(order.predecessor(new LamportTimestamp(10, ORIGINS[0])))
        .contains(new MessageId(ORIGINS[1], 1));
    assertThat(order.predecessor(new LamportTimestamp(9, ORIGINS[0]))).isNull();
  }

  @Test
  void aWindowOfNothingIsRefused() {
    assertThatThrownBy(() -> new RecentOrder(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecentOrder(5, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
