package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardTime}, the one time of {@link AuthorQuota} and {@link NewAuthors}: it starts at the
 * clock's first reading, moves on by the clock's forward steps only, never goes back, and saturates
 * at {@link Long#MAX_VALUE} whatever the readings.
 */
class ForwardTimeTest {
  @Test
  void startsAtTheFirstReadingAndMovesWithForwardSteps() {
    ForwardTime t = new ForwardTime();
    assertThat(t.at(1_000)).isEqualTo(1_000);
    assertThat(t.at(1_000)).isEqualTo(1_000);
    assertThat(t.at(1_250)).isEqualTo(1_250);
  }

  @Test
  void aClockStepBackStandsStillThenMovesFromThere() {
    ForwardTime t = new ForwardTime();
    t.at(10_000);
    assertThat(t.at(4_000)).as("set back: stands still").isEqualTo(10_000);
    assertThat(t.at(3_000)).isEqualTo(10_000);
    assertThat(t.at(3_500)).as("then moves with the clock's forward step").isEqualTo(10_500);
  }

  @Test
  void aHugeJumpForwardAndBackLeavesTimeMovingFromTheJump() {
    ForwardTime t = new ForwardTime();
    t.at(0);
    long far = 10L * 365 * 24 * 3_600_000L;
    assertThat(t.at(far)).isEqualTo(far);
    assertThat(t.at(60_000)).as("set back after the jump").isEqualTo(far);
    assertThat(t.at(120_000)).as("moves on from the jump with real time").isEqualTo(far + 60_000);
  }

  @Test
  void longExtremesSaturate() {
    ForwardTime t = new ForwardTime();
    assertThat(t.at(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    // a step of 2^64-1 overflows a long: it counts as 2^63-1, never wraps, and time still rolls
    assertThat(t.at(Long.MAX_VALUE)).isEqualTo(-1L);
    assertThat(t.at(Long.MIN_VALUE)).isEqualTo(-1L);
    assertThat(t.at(Long.MIN_VALUE + 10)).isEqualTo(9L);
    assertThat(t.at(Long.MAX_VALUE)).as("a second such step saturates").isEqualTo(Long.MAX_VALUE);
    assertThat(t.at(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(t.at(0)).isEqualTo(Long.MAX_VALUE);
    assertThat(t.at(Long.MAX_VALUE)).as("stays at the top").isEqualTo(Long.MAX_VALUE);

    ForwardTime u = new ForwardTime();
    assertThat(u.at(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(u.at(Long.MIN_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(u.at(-1)).isEqualTo(Long.MAX_VALUE);
  }

  @Provide
  Arbitrary<List<Long>> readings() {
    return Arbitraries.oneOf(
            Arbitraries.longs(),
            Arbitraries.longs().between(-5_000, 5_000),
            Arbitraries.of(
                Long.MIN_VALUE,
                Long.MIN_VALUE + 1,
                -1L,
                0L,
                1L,
                Long.MAX_VALUE - 1,
                Long.MAX_VALUE))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  /**
   * Whatever the readings: the time never goes back, each step is the clock's forward step (at most
   * 2^63 - 1, and at most what is left below {@link Long#MAX_VALUE}), and a reading not ahead of
   * the last moves it not at all.
   */
  @Property
  void neverGoesBackAndMovesByForwardStepsOnly(@ForAll("readings") List<Long> clock) {
    ForwardTime t = new ForwardTime();
    long last = clock.get(0);
    long time = t.at(last);
    assertThat(time).isEqualTo(last);
    for (long c : clock.subList(1, clock.size())) {
      long next = t.at(c);
      assertThat(next).isGreaterThanOrEqualTo(time);
      if (c <= last) {
        assertThat(next).isEqualTo(time);
      } else {
        BigInteger want =
            BigInteger.valueOf(time)
                .add(
                    BigInteger.valueOf(c)
                        .subtract(BigInteger.valueOf(last))
                        .min(BigInteger.valueOf(Long.MAX_VALUE)))
                .min(BigInteger.valueOf(Long.MAX_VALUE));
        assertThat(next).isEqualTo(want.longValueExact());
      }
      time = next;
      last = c;
    }
  }
}
