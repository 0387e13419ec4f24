package meshchat.peer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The one retry delay: doubling, capped, jittered into [d/2, d], never negative or wrapped. */
class BackoffTest {
  @Test
  void doublesPerFailureUpToTheCapWithEqualJitter() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(Backoff.delayMs(200, 5_000, 0, r)).isBetween(100L, 200L);
      assertThat(Backoff.delayMs(200, 5_000, 2, r)).isBetween(400L, 800L);
      assertThat(Backoff.delayMs(200, 5_000, 10, r)).isBetween(2_500L, 5_000L);
    }
  }

  @Property
  void anyInputsGiveADelayWithinHalfTheCapAndTheCap(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long minMs,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long maxMs,
      @ForAll int failures,
      @ForAll long seed) {
    long d = Backoff.delayMs(minMs, maxMs, failures, new SplittableRandom(seed));
    assertThat(d).isNotNegative().isLessThanOrEqualTo(Math.max(minMs == 0 ? 0 : maxMs, 0));
    if (minMs > 0 && minMs <= maxMs) {
      assertThat(d).isGreaterThanOrEqualTo(Math.min(minMs, maxMs) / 2);
    }
  }
}
