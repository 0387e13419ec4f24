package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The head's timing at its edges: exactly a ride before the spacing's mark signs, a nanosecond
 * sooner waits for the timer; any clock origin, the wrap past {@link Long#MAX_VALUE} included.
 */
class HeadScheduleTest {
  private static final long MS = 1_000_000L;
  private static final long SPACING = 20 * MS;
  private static final long HOLD = 5 * MS;
  private static final long RIDE = 2 * MS;

  private static HeadSchedule schedule() {
    return new HeadSchedule(SPACING, HOLD, RIDE);
  }

  @Property
  void theFirstBurstIsSignedAtOnceWhateverTheClocksOrigin(@ForAll long now) {
    assertThat(schedule().published(now, false)).isEqualTo(now);
  }

  @Example
  void theFirstBurstAtTheClocksExtremesIsSignedAtOnce() {
    for (long now : new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertThat(schedule().published(now, false)).as("at %d", now).isEqualTo(now);
    }
  }

  @Property
  void exactlyARideBeforeTheMarkSignsANanosecondSoonerWaitsForTheTimer(@ForAll long signedAt) {
    HeadSchedule s = schedule();
    s.signed(signedAt);
    long edge = signedAt + SPACING - RIDE; // 18 ms after the last head (wrapping, as nanoTime may)
    assertThat(s.published(edge, false)).as("at the edge").isEqualTo(edge);
    HeadSchedule t = schedule();
    t.signed(signedAt);
    assertThat(t.published(edge - 1, false))
        .as("a nanosecond before it: the timer, a ride past the mark")
        .isEqualTo(signedAt + SPACING + RIDE);
  }

  @Example
  void theEdgeHoldsAcrossTheClocksWrap() {
    HeadSchedule s = schedule();
    long signedAt = Long.MAX_VALUE - 3 * MS; // the mark and the edge lie past the wrap
    s.signed(signedAt);
    long edge = signedAt + SPACING - RIDE; // negative: wrapped
    assertThat(edge).isNegative();
    assertThat(s.published(edge - 1, false)).isEqualTo(signedAt + SPACING + RIDE);
    assertThat(s.published(edge, false)).isEqualTo(edge);
    s.signed(edge);
    assertThat(s.published(edge + SPACING, false)).isEqualTo(edge + SPACING);
  }

  @Example
  void aBurstRightAfterAHeadWaitsForTheTimerAtAnyOrigin() {
    for (long signedAt : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      HeadSchedule s = schedule();
      s.signed(signedAt);
      assertThat(s.published(signedAt, false)).isEqualTo(signedAt + SPACING + RIDE);
      assertThat(s.published(signedAt + 1, false))
          .as("a later burst of the same hold: the same timer")
          .isEqualTo(signedAt + SPACING + RIDE);
    }
  }

  @Property
  void whileOwnSendsAreQueuedTheHeadIsDueAHoldAfterTheFirstBurstItCovers(
      @ForAll long first, @ForAll @LongRange(min = 0, max = 4 * MS) long later) {
    HeadSchedule s = schedule();
    assertThat(s.published(first, true)).isEqualTo(first + HOLD);
    assertThat(s.published(first + later, true))
        .as("the hold runs from the first burst, not the newest")
        .isEqualTo(first + HOLD);
    assertThat(s.published(first + later, false))
        .as("nothing more queued: at once")
        .isEqualTo(first + later);
  }

  @Property
  void aHeadIsNeverDueSoonerThanARideBeforeTheMarkNorLaterThanTheLongestWait(
      @ForAll long signedAt,
      @ForAll @LongRange(min = 0, max = 100 * MS) long after,
      @ForAll boolean behind) {
    HeadSchedule s = schedule();
    s.signed(signedAt);
    long now = signedAt + after;
    long due = s.published(now, behind);
    if (due == now) {
      assertThat(after).isGreaterThanOrEqualTo(SPACING - RIDE);
      assertThat(behind).isFalse();
    } else {
      assertThat(due - now).isPositive().isLessThanOrEqualTo(Math.max(HOLD, SPACING + RIDE));
    }
  }

  @Example
  void aDroppedHoldStartsAgainAtTheNextBurst() {
    HeadSchedule s = schedule();
    assertThat(s.published(0, true)).isEqualTo(HOLD);
    s.dropped();
    assertThat(s.published(3 * MS, true)).isEqualTo(3 * MS + HOLD);
  }

  @Example
  void settingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new HeadSchedule(-1, HOLD, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HeadSchedule(SPACING, -1, RIDE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HeadSchedule(SPACING, HOLD, SPACING + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new HeadSchedule(0, 0, 0).published(Long.MAX_VALUE, false))
        .isEqualTo(Long.MAX_VALUE);
  }
}
