package meshchat.peer.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LamportTimestampTest {
  private static final PeerId LOW = PeerId.fromHex("01");
  private static final PeerId HIGH = PeerId.fromHex("ff"); // above 0x01 only if compared unsigned

  @Test
  void timeComesFirst() {
    assertThat(new LamportTimestamp(1, HIGH)).isLessThan(new LamportTimestamp(2, LOW));
  }

  @Test
  void equalTimesAreBrokenByUnsignedPeerId() {
    // signed byte comparison would put 0xff (-1) before 0x01
    assertThat(new LamportTimestamp(5, LOW)).isLessThan(new LamportTimestamp(5, HIGH));
    assertThat(new LamportTimestamp(5, PeerId.fromHex("7f")))
        .isLessThan(new LamportTimestamp(5, PeerId.fromHex("80")));
  }

  @Test
  void equalOnlyWhenTimeAndOriginAreEqual() {
    assertThat(new LamportTimestamp(5, PeerId.fromHex("ab")))
        .isEqualByComparingTo(new LamportTimestamp(5, PeerId.fromHex("AB")))
        .isEqualTo(new LamportTimestamp(5, PeerId.fromHex("ab")));
  }

  @Test
  void shortFormIsTimeAtShortHex() {
    assertThat(new LamportTimestamp(42, PeerId.fromHex("0123456789abcdef")))
        .hasToString("42@01234567");
  }

  @Property
  void sortingIsTheSameWhateverTheArrivalOrder(
      @ForAll List<@LongRange(min = 1, max = 20) Long> times,
      @ForAll List<byte[]> ids,
      @ForAll long shuffleSeed) {
    List<LamportTimestamp> all = new ArrayList<>();
    for (int i = 0; i < Math.min(times.size(), ids.size()); i++) {
      if (ids.get(i).length > 0 && ids.get(i).length <= PeerId.MAX_BYTES) {
        all.add(new LamportTimestamp(times.get(i), PeerId.of(ids.get(i))));
      }
    }
    List<LamportTimestamp> a = new ArrayList<>(all);
    List<LamportTimestamp> b = new ArrayList<>(all);
    Collections.shuffle(b, new Random(shuffleSeed));
    Collections.sort(a);
    Collections.sort(b);
    assertThat(b).isEqualTo(a);
    for (int i = 1; i < a.size(); i++) {
      LamportTimestamp x = a.get(i - 1);
      LamportTimestamp y = a.get(i);
      assertThat(
              x.time() < y.time()
                  || (x.time() == y.time() && x.origin().compareTo(y.origin()) <= 0))
          .isTrue();
    }
  }
}
