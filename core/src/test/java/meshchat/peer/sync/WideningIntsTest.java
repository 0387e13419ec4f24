package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The char-or-int array against an {@code int[]}: every value comes back as set, at the char's
 * limits (65,535, 65,536, -1) and the int's (MIN_VALUE, MAX_VALUE), through resizes up, down and to
 * 0, before and after it widens; a refused index changes nothing.
 */
class WideningIntsTest {
  /** resize when {@code resize} >= 0, else set(index, value). */
  record Op(int resize, int index, int value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> values =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 70_000),
            Arbitraries.integers(),
            Arbitraries.of(
                0, 1, -1, 65_534, 65_535, 65_536, 131_071, Integer.MIN_VALUE, Integer.MAX_VALUE));
    Arbitrary<Op> set =
        Combinators.combine(Arbitraries.integers().between(0, 300), values)
            .as((i, v) -> new Op(-1, i, v));
    Arbitrary<Op> resize = Arbitraries.integers().between(0, 320).map(n -> new Op(n, 0, 0));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, set), net.jqwik.api.Tuple.of(1, resize))
        .list()
        .ofMaxSize(500);
  }

  @Property(tries = 400)
  void givesBackEveryValueAsSetThroughResizes(@ForAll("ops") List<Op> ops) {
    WideningInts ints = new WideningInts(16);
    int[] model = new int[16];
    for (Op op : ops) {
      if (op.resize() >= 0) {
        ints.resize(op.resize());
        model = Arrays.copyOf(model, op.resize());
      } else if (op.index() < model.length) {
        ints.set(op.index(), op.value());
        model[op.index()] = op.value();
      } else {
        boolean wasWide = ints.isWide();
        int at = op.index();
        int v = op.value();
        assertThatThrownBy(() -> ints.set(at, v)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(ints.isWide()).isEqualTo(wasWide);
      }
      assertThat(ints.length()).isEqualTo(model.length);
    }
    for (int i = 0; i < model.length; i++) {
      assertThat(ints.get(i)).as("index %d", i).isEqualTo(model[i]);
    }
    boolean anyWide = ops.stream().anyMatch(op -> op.resize() < 0 && (op.value() >>> 16) != 0);
    if (!anyWide) {
      assertThat(ints.isWide()).isFalse();
    }
  }

  @Test
  void keepsACharUpTo65535AndWidensForGoodPastIt() {
    WideningInts ints = new WideningInts(3);
    ints.set(0, 65_535);
    ints.set(1, 0);
    assertThat(ints.isWide()).isFalse();
    ints.set(2, 65_536);
    assertThat(ints.isWide()).isTrue();
    assertThat(ints.get(0)).isEqualTo(65_535);
    assertThat(ints.get(2)).isEqualTo(65_536);
    ints.set(2, 1); // stays wide
    assertThat(ints.isWide()).isTrue();
    ints.set(1, -1);
    ints.set(0, Integer.MIN_VALUE);
    ints.set(2, Integer.MAX_VALUE);
    assertThat(new int[] {ints.get(0), ints.get(1), ints.get(2)})
        .containsExactly(Integer.MIN_VALUE, -1, Integer.MAX_VALUE);
  }

  @Test
  void aNegativeValueWidensAsItCannotBeAChar() {
    WideningInts ints = new WideningInts(1);
    ints.set(0, -1);
    assertThat(ints.isWide()).isTrue();
    assertThat(ints.get(0)).isEqualTo(-1);
  }

  @Test
  void anEmptyArrayHoldsNothingAndRefusesEveryIndex() {
    WideningInts ints = new WideningInts(0);
    assertThat(ints.length()).isZero();
    assertThatThrownBy(() -> ints.set(0, 70_000)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ints.set(0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ints.get(0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(ints.isWide()).isFalse();
    ints.resize(2);
    ints.set(1, 70_000);
    assertThat(ints.get(1)).isEqualTo(70_000);
    assertThat(ints.get(0)).isZero();
    ints.resize(0);
    assertThat(ints.length()).isZero();
  }
}
