package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The sparse per-author counts against a map, through growth, removals and the reset when empty.
 */
class SparseCountsTest {
  record Op(int key, int delta) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> keys =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 40), // crowded: long probe runs, many removals
            Arbitraries.integers().between(0, 100_000),
            Arbitraries.of(0, Integer.MAX_VALUE - 1, 1 << 16, 1 << 24));
    Arbitrary<Integer> deltas = Arbitraries.of(1, 1, 1, -1, -1, 2, -2);
    return Combinators.combine(keys, deltas).as(Op::new).list().ofMaxSize(3_000);
  }

  @Property(tries = 300)
  void countsLikeAMapKeepingOnlyTheNonZero(@ForAll("ops") List<Op> ops) {
    SparseCounts counts = new SparseCounts();
    Map<Integer, Integer> model = new HashMap<>();
    for (Op op : ops) {
      counts.add(op.key(), op.delta());
      model.merge(op.key(), op.delta(), (a, b) -> a + b == 0 ? null : a + b);
      assertThat(counts.get(op.key())).isEqualTo(model.getOrDefault(op.key(), 0));
      assertThat(counts.size()).isEqualTo(model.size());
    }
    model.forEach((k, v) -> assertThat(counts.get(k)).isEqualTo(v));
    for (int k = 0; k <= 40; k++) {
      assertThat(counts.get(k)).isEqualTo(model.getOrDefault(k, 0));
    }
    // emptied, it is as new
    model.forEach((k, v) -> counts.add(k, -v));
    assertThat(counts.size()).isZero();
    assertThat(counts.get(0)).isZero();
    assertThat(counts.get(Integer.MAX_VALUE - 1)).isZero();
  }

  @Test
  void aKeyOutsideTheIndexesIsRefusedAndNothingChanges() {
    SparseCounts counts = new SparseCounts();
    counts.add(3, 1);
    assertThatThrownBy(() -> counts.add(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> counts.add(Integer.MAX_VALUE, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(counts.size()).isEqualTo(1);
    assertThat(counts.get(3)).isEqualTo(1);
    counts.add(3, 0);
    assertThat(counts.get(3)).isEqualTo(1);
  }

  @Test
  void aThousandKeysCountedUpAndDownInAnotherOrderLeaveNothing() {
    SparseCounts counts = new SparseCounts();
    for (int k = 0; k < 1_000; k++) {
      counts.add(k * 7919, 1 + k % 3);
    }
    assertThat(counts.size()).isEqualTo(1_000);
    for (int k = 999; k >= 0; k -= 2) {
      counts.add(k * 7919, -(1 + k % 3));
    }
    for (int k = 0; k < 1_000; k++) {
      assertThat(counts.get(k * 7919)).isEqualTo(k % 2 == 1 ? 0 : 1 + k % 3);
    }
    for (int k = 0; k < 1_000; k += 2) {
      counts.add(k * 7919, -(1 + k % 3));
    }
    assertThat(counts.size()).isZero();
  }
}
