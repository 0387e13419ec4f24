package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Last arrivals, only the recent ones kept, against a map of longs, for waits from 1 ms to far past
 * the longest a char could keep, across jumps past the char's and the int's range.
 */
class LastArrivalsTest {
  private static final long[] WAITS = {1, 400, 1_000, 32_767, 1L << 31, Long.MAX_VALUE / 2};

  private static void agree(LastArrivals[] ts, Map<Integer, Long> model, int authors, long now) {
    for (int w = 0; w < WAITS.length; w++) {
      for (int a = 0; a < authors; a++) {
        Long last = model.get(a);
        boolean expected = last != null && now - last < WAITS[w];
        assertThat(ts[w].within(a, now))
            .as("author %d at %d within %d", a, now, WAITS[w])
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void agreesWithLongTimesFromZeroFromTheEpochAndAcrossJumpsPastTheCharsAndTheIntsRange() {
    for (long start : new long[] {0, 1_733_000_000_000L, -5_000, Long.MAX_VALUE / 4}) {
      Random random = new Random(start);
      LastArrivals[] ts = new LastArrivals[WAITS.length];
      for (int w = 0; w < WAITS.length; w++) {
        ts[w] = new LastArrivals(WAITS[w]);
      }
      Map<Integer, Long> model = new HashMap<>();
      long now = start;
      for (int step = 0; step < 600; step++) {
        switch (random.nextInt(8)) {
          case 0 -> now += (1L << 31) + random.nextInt(1_000); // past the int's range at once
          case 1 -> now += random.nextInt(3_000);
          case 2 -> now += 65_535 - random.nextInt(3); // to the edge of the char's range
          case 3 -> now += 32_767 - random.nextInt(3); // to the edge of the longest wait
          case 4 -> now += random.nextInt(40_000);
          default -> now += random.nextInt(200);
        }
        int author = step % 3 == 0 ? 299 - step % 300 : random.nextInt(40); // some backwards
        for (LastArrivals t : ts) {
          t.arrived(author, now);
        }
        model.put(author, now);
        if (step % 20 == 0) {
          agree(ts, model, 300, now);
          agree(ts, model, 300, now + 999); // read later than the last write
          agree(ts, model, 300, now + 32_766);
        }
      }
      agree(ts, model, 301, now);
    }
  }

  @Test
  void anAuthorNeverHeardOfIsNeverWithin() {
    LastArrivals t = new LastArrivals(Long.MAX_VALUE / 2);
    assertThat(t.within(0, 0)).isFalse();
    assertThat(t.within(1_000_000, 0)).isFalse();
    assertThat(t.within(-1, 0)).isFalse();
    t.arrived(1_000, 7); // far past the array's end: it grows, the rest stay never
    assertThat(t.within(1_000, 7)).isTrue();
    assertThat(t.within(999, 7)).isFalse();
    assertThat(t.within(1_001, 7)).isFalse();
    t.arrived(1_000, 7 + (1L << 40)); // a rebase keeps a never as never
    assertThat(t.within(999, 7 + (1L << 40))).isFalse();
    assertThat(t.within(1_000, 7 + (1L << 40))).isTrue();
  }

  @Test
  void aWaitBelowOneMsOrAnAuthorOutsideTheIndexesIsRefused() {
    assertThatThrownBy(() -> new LastArrivals(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LastArrivals(-1)).isInstanceOf(IllegalArgumentException.class);
    LastArrivals t = new LastArrivals(400);
    assertThatThrownBy(() -> t.arrived(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.arrived(Integer.MAX_VALUE, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(t.within(Integer.MAX_VALUE, 0)).isFalse();
    assertThat(t.kept()).isZero();
  }

  @Test
  void tenThousandAuthorsArrivingAFewMsApartLeaveOnlyTheLastWaitsWorthKept() {
    LastArrivals t = new LastArrivals(400);
    long now = 0;
    for (int a = 0; a < 10_000; a++) {
      now += 1 + a % 3; // about 2 ms apart: about 200 within any 400 ms
      t.arrived(a, now);
      assertThat(t.within(a, now)).isTrue();
      assertThat(t.kept()).isLessThan(1_000);
    }
    assertThat(t.within(9_999 - 150, now)).isTrue();
    assertThat(t.within(9_999 - 250, now)).isFalse();
    assertThat(t.within(0, now)).isFalse();
  }

  @Test
  void aTableThatFillsAtTheWaitsLastMsKeepsWhatIsStillWithin() {
    LastArrivals t = new LastArrivals(400);
    t.arrived(0, 0);
    for (int a = 1; a < 100; a++) {
      t.arrived(a, 399); // the table fills and drops the old ones more than once
      assertThat(t.within(0, 399)).as("after %d", a).isTrue();
    }
    assertThat(t.within(0, 400)).isFalse();
    for (int a = 100; a < 200; a++) {
      t.arrived(a, 400); // now 0 is a wait old: dropped when the table next fills
    }
    assertThat(t.within(0, 400)).isFalse();
    assertThat(t.within(99, 798)).isTrue();
    assertThat(t.kept()).isLessThan(200);
  }
}
