package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Last arrival times in an int per author, against a map of longs, across the int's range. */
class LastArrivalsTest {
  private static void agree(LastArrivals t, Map<Integer, Long> model, int authors, long now) {
    for (int a = 0; a < authors; a++) {
      for (long ms : new long[] {1, 500, 1_000, (1L << 31) - 1}) {
        Long last = model.get(a);
        boolean expected = last != null && now - last < ms;
        assertThat(t.within(a, now, ms))
            .as("author %d at %d within %d", a, now, ms)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void agreesWithLongTimesFromZeroFromTheEpochAndAcrossJumpsPastTheIntsRange() {
    for (long start : new long[] {0, 1_733_000_000_000L, -5_000, Long.MAX_VALUE / 4}) {
      Random random = new Random(start);
      LastArrivals t = new LastArrivals();
      Map<Integer, Long> model = new HashMap<>();
      long now = start;
      for (int step = 0; step < 400; step++) {
        switch (random.nextInt(6)) {
          case 0 -> now += (1L << 31) + random.nextInt(1_000); // past the int's range at once
          case 1 -> now += random.nextInt(3_000);
          case 2 -> now += (1L << 31) - 1 - random.nextInt(2); // to the edge of the range
          default -> now += random.nextInt(200);
        }
        int author = step % 3 == 0 ? 299 - step % 300 : random.nextInt(40); // some backwards
        t.arrived(author, now);
        model.put(author, now);
        if (step % 20 == 0) {
          agree(t, model, 300, now);
          agree(t, model, 300, now + 999); // read later than the last write
        }
      }
      agree(t, model, 301, now);
    }
  }

  @Test
  void anAuthorNeverHeardOfIsNeverWithin() {
    LastArrivals t = new LastArrivals();
    assertThat(t.within(0, 0, Long.MAX_VALUE)).isFalse();
    assertThat(t.within(1_000_000, 0, Long.MAX_VALUE)).isFalse();
    assertThat(t.within(-1, 0, Long.MAX_VALUE)).isFalse();
    t.arrived(1_000, 7); // far past the array's end: it grows, the rest stay never
    assertThat(t.within(1_000, 7, 1)).isTrue();
    assertThat(t.within(999, 7, Long.MAX_VALUE)).isFalse();
    assertThat(t.within(1_001, 7, Long.MAX_VALUE)).isFalse();
    t.arrived(1_000, 7 + (1L << 40)); // a rebase keeps a never as never
    assertThat(t.within(999, 7 + (1L << 40), Long.MAX_VALUE)).isFalse();
  }
}
