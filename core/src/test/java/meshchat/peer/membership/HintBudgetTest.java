package meshchat.peer.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The hint budget: whatever the counts, the clock and the flood of names, no namer gets more than
 * its burst plus one dial per refill, everyone together no more than the shared bucket, and the map
 * of namers stays bounded.
 */
class HintBudgetTest {
  private long now;

  @Test
  void aBurstThenOneDialPerRefill() {
    HintBudget b = new HintBudget(() -> now);
    int first = 0;
    while (b.take("mallory")) {
      first++;
    }
    assertThat(first).isEqualTo(HintBudget.BURST);
    now += HintBudget.REFILL_MS - 1;
    assertThat(b.take("mallory")).isFalse();
    now += 1;
    assertThat(b.take("mallory")).isTrue();
    assertThat(b.take("mallory")).isFalse();
    assertThat(b.take("alice")).as("another namer has its own").isTrue();
  }

  @Test
  void manyNamersTogetherGetNoMoreThanTheSharedBucket() {
    HintBudget b = new HintBudget(() -> now);
    int taken = 0;
    for (int k = 0; k < 100; k++) {
      while (b.take("sybil " + k)) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(HintBudget.SHARED_BURST);
  }

  @Test
  void zeroNegativeAndHugeSettingsAreRefusedOrHeld() {
    assertThatThrownBy(() -> new HintBudget(0, 1, 1, 1, 1, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HintBudget(1, -1, 1, 1, 1, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HintBudget(1, 1, 1, 1, 0, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    HintBudget huge =
        new HintBudget(Integer.MAX_VALUE, Long.MAX_VALUE, 1, Long.MAX_VALUE, 1, () -> now);
    now = Long.MAX_VALUE;
    assertThat(huge.take("a")).isTrue();
    assertThat(huge.take("a")).as("the shared bucket of one").isFalse();
    assertThat(huge.take("b")).as("one namer at most").isFalse();
  }

  @Provide
  Arbitrary<Long> times() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 5_000),
        Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 2));
  }

  /**
   * Any settings: refused at once, or bounded. Any sequence of takes by any namers at any times
   * (the clock may jump to 2^63-1 or go back): each namer's dials over the run are at most its
   * burst plus what the elapsed time refills, and the same for everyone together.
   */
  @Property(tries = 300)
  void noNamerNorEveryoneTogetherExceedsItsBucket(
      @ForAll @IntRange(min = -1, max = 20) int burst,
      @ForAll("refills") long refillMs,
      @ForAll @IntRange(min = -1, max = 40) int sharedBurst,
      @ForAll("refills") long sharedRefillMs,
      @ForAll @IntRange(min = -1, max = 8) int maxNamers,
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 30) Integer> namers,
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 3_000) Integer> steps) {
    now = 0;
    HintBudget b;
    try {
      b = new HintBudget(burst, refillMs, sharedBurst, sharedRefillMs, maxNamers, () -> now);
    } catch (IllegalArgumentException refused) {
      assertThat(
              burst < 1 || refillMs < 1 || sharedBurst < 1 || sharedRefillMs < 1 || maxNamers < 1)
          .isTrue();
      return;
    }
    int[] byNamer = new int[31];
    int total = 0;
    for (int i = 0; i < namers.size(); i++) {
      now += i < steps.size() ? steps.get(i) : 0;
      int n = namers.get(i);
      if (b.take(n)) {
        byNamer[n]++;
        total++;
      }
      assertThat(b.namers()).isLessThanOrEqualTo(maxNamers);
    }
    long elapsed = now;
    for (int n = 0; n < byNamer.length; n++) {
      assertThat((long) byNamer[n]).isLessThanOrEqualTo(burst + elapsed / refillMs);
    }
    assertThat((long) total).isLessThanOrEqualTo(sharedBurst + elapsed / sharedRefillMs);
  }

  @Provide
  Arbitrary<Long> refills() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, 2_000), Arbitraries.of(0L, -1L, Long.MAX_VALUE));
  }

  /** A clock that jumps to the end of time or back never overflows nor grants more than a burst. */
  @Property(tries = 200)
  void clockJumpsGrantAtMostABurst(@ForAll("times") long first, @ForAll("times") long second) {
    now = first;
    HintBudget b = new HintBudget(() -> now);
    while (b.take("m")) {}
    now = second;
    int again = 0;
    while (b.take("m")) {
      again++;
    }
    assertThat(again).isBetween(0, HintBudget.BURST);
  }
}
