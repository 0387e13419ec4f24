package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The byte-or-int slots against a map: every value comes back as set, at the byte's limits (126,
 * 127, with and without the sign bit), at the int's (0, -1, MIN_VALUE, MAX_VALUE), through growth
 * and replacements between a byte and an int either way.
 */
class SmallIntsTest {
  record Op(int index, int value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> indexes =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 30), Arbitraries.integers().between(0, 5_000));
    Arbitrary<Integer> values =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 130),
            Arbitraries.integers().between(0, 130).map(v -> v | Integer.MIN_VALUE),
            Arbitraries.integers(),
            Arbitraries.of(
                0,
                -1,
                1,
                126,
                127,
                128,
                Integer.MIN_VALUE,
                Integer.MIN_VALUE | 126,
                Integer.MIN_VALUE | 127,
                Integer.MAX_VALUE));
    return Combinators.combine(indexes, values).as(Op::new).list().ofMaxSize(600);
  }

  @Property(tries = 300)
  void givesBackEveryValueAsSet(@ForAll("ops") List<Op> ops) {
    SmallInts ints = new SmallInts();
    Map<Integer, Integer> model = new HashMap<>();
    for (Op op : ops) {
      ints.set(op.index(), op.value());
      model.put(op.index(), op.value());
      assertThat(ints.get(op.index())).isEqualTo(op.value());
    }
    for (int i = 0; i < 5_010; i++) {
      assertThat(ints.get(i)).as("index %d", i).isEqualTo(model.getOrDefault(i, 0));
    }
  }

  @Test
  void anIndexNeverSetIsZeroAndSettingZeroPastTheEndGrowsNothing() {
    SmallInts ints = new SmallInts();
    assertThat(ints.get(0)).isZero();
    assertThat(ints.get(Integer.MAX_VALUE)).isZero();
    ints.set(1_000_000, 0);
    assertThat(ints.get(1_000_000)).isZero();
    ints.set(3, Integer.MIN_VALUE | 5); // a flag and a small end: one byte
    ints.set(4, Integer.MIN_VALUE | 127); // past the byte
    assertThat(ints.get(3)).isEqualTo(Integer.MIN_VALUE | 5);
    assertThat(ints.get(4)).isEqualTo(Integer.MIN_VALUE | 127);
    ints.set(4, 126); // back into the byte
    assertThat(ints.get(4)).isEqualTo(126);
    ints.set(4, -1);
    assertThat(ints.get(4)).isEqualTo(-1);
  }
}
