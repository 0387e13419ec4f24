package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.PeerId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * New authors per source (docs/security.md, "New authors per source"): each source introduces at
 * most its budget of new authors per rolling day; what a newcomer's first links name in their first
 * minute comes free; the budget rolls with the day; 0, -1 and the clock's extremes are handled.
 */
class NewAuthorsTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_000 * 24 * H;

  private static PeerId key(int i) {
    return PeerId.of(new byte[] {(byte) (i >> 24), (byte) (i >> 16), (byte) (i >> 8), (byte) i, 7});
  }

  /** Offers {@code n} fresh keys on {@code link} at {@code now}; returns how many were admitted. */
  private static int offer(NewAuthors a, NewAuthors.Link link, int from, int n, long now) {
    int admitted = 0;
    for (int i = from; i < from + n; i++) {
      if (a.allows(link, key(i), now)) {
        a.admitted(link, key(i), now);
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aSourceIntroducesItsBudgetOfNewAuthorsADayWhateverItsLinksOrKeys() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link one = new NewAuthors.Link("10.0.0.1", T0, false);
    NewAuthors.Link two = new NewAuthors.Link("10.0.0.1", T0, false); // another link, same address
    assertThat(offer(a, one, 0, 50, T0)).isEqualTo(50);
    assertThat(offer(a, two, 50, 50, T0 + H)).as("the source's rest").isEqualTo(14);
    assertThat(offer(a, one, 100, 1_000, T0 + 2 * H)).isZero();
    assertThat(a.spent("10.0.0.1", T0 + 2 * H)).isEqualTo(64);
    // another source has its own budget
    NewAuthors.Link other = new NewAuthors.Link("10.0.0.2", T0, false);
    assertThat(offer(a, other, 2_000, 100, T0 + 2 * H)).isEqualTo(64);
    // the day rolls: the first 50 leave it a day after they came
    assertThat(offer(a, one, 3_000, 100, T0 + 24 * H - 1)).isZero();
    assertThat(offer(a, one, 3_000, 100, T0 + 24 * H)).isEqualTo(50);
    assertThat(offer(a, two, 4_000, 100, T0 + 25 * H)).isEqualTo(14);
  }

  @Test
  void whatANewcomersLinkNamesInItsFirstMinuteComesFreeAndNothingElse() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link first = new NewAuthors.Link("10.0.0.1", T0, true);
    for (int i = 0; i < 10_001; i++) {
      first.named(key(i), T0 + 1_000);
    }
    assertThat(first.naming(T0 + NewAuthors.NAMING_MS)).isTrue();
    assertThat(first.naming(T0 + NewAuthors.NAMING_MS + 1)).isFalse();
    first.named(key(20_000), T0 + NewAuthors.NAMING_MS + 1); // named too late: not free
    first.named(key(20_001), T0 - 1); // a clock set back: not free
    // the catch-up of 10,001 authors, days later: all free, the budget untouched
    assertThat(offer(a, first, 0, 10_001, T0 + 3 * 24 * H)).isEqualTo(10_001);
    assertThat(a.spent("10.0.0.1", T0 + 3 * 24 * H)).isZero();
    // keys it mints later cost the budget
    assertThat(offer(a, first, 20_000, 100, T0 + 3 * 24 * H)).isEqualTo(64);
    // a link of a peer that stores others' messages names nothing free
    NewAuthors.Link later = new NewAuthors.Link("10.0.0.3", T0, false);
    later.named(key(30_000), T0);
    assertThat(later.naming(T0)).isFalse();
    assertThat(later.free(key(30_000))).isFalse();
    // a link names at most MAX_NAMED
    NewAuthors.Link flood = new NewAuthors.Link("10.0.0.4", T0, true);
    for (int i = 0; i < NewAuthors.MAX_NAMED + 10; i++) {
      flood.named(key(100_000 + i), T0);
    }
    assertThat(flood.namedCount()).isEqualTo(NewAuthors.MAX_NAMED);
  }

  @Test
  void zeroAdmitsNoneOffAdmitsAllAndBelowZeroIsRefused() {
    NewAuthors none = new NewAuthors(0);
    NewAuthors.Link l = new NewAuthors.Link("s", T0, false);
    assertThat(offer(none, l, 0, 10, T0)).isZero();
    NewAuthors.Link named = new NewAuthors.Link("s", T0, true);
    named.named(key(1), T0);
    assertThat(none.allows(named, key(1), T0)).as("free even with no budget").isTrue();
    NewAuthors off = new NewAuthors(NewAuthors.OFF);
    assertThat(offer(off, l, 0, 10_000, T0)).isEqualTo(10_000);
    assertThat(off.sourcesKept()).isZero();
    assertThatThrownBy(() -> new NewAuthors(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoomConfig.defaults().with(c -> c.newAuthorsPerSource = -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClocksExtremesAndASetBackClockFreeNothingEarly() {
    NewAuthors a = new NewAuthors(2);
    NewAuthors.Link l = new NewAuthors.Link("s", Long.MIN_VALUE, true);
    l.named(key(1), Long.MAX_VALUE); // no overflow: far past the naming time
    assertThat(l.free(key(1))).isFalse();
    assertThat(offer(a, l, 0, 5, Long.MIN_VALUE)).isEqualTo(2);
    assertThat(offer(a, l, 10, 5, Long.MIN_VALUE + 1)).isZero();
    assertThat(offer(a, l, 20, 5, Long.MAX_VALUE)).as("a clock set forward frees").isEqualTo(2);
    assertThat(offer(a, l, 30, 5, T0)).as("set back: nothing freed").isZero();
    assertThat(offer(a, l, 40, 5, T0 + 24 * H - 1)).isZero();
    assertThat(offer(a, l, 40, 5, T0 + 24 * H)).as("a day of real time on").isEqualTo(2);
  }

  @Test
  void theSourcesKeptAreBounded() {
    NewAuthors a = new NewAuthors(1);
    for (int i = 0; i < NewAuthors.MAX_SOURCES + 100; i++) {
      NewAuthors.Link l = new NewAuthors.Link("s" + i, T0, false);
      assertThat(offer(a, l, i, 1, T0)).isEqualTo(1);
    }
    assertThat(a.sourcesKept()).isEqualTo(NewAuthors.MAX_SOURCES);
  }

  /** One new author offered: its source (of 4), and the clock's step. */
  record Offer(int source, long stepMs) {}

  @Provide
  Arbitrary<List<Offer>> offers() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, H, 24 * H, -H, -30 * 24 * H),
                Arbitraries.longs().between(-H, 6 * H)))
        .as(Offer::new)
        .list()
        .ofMaxSize(300);
  }

  /**
   * Whatever the order, the sources and a clock that jumps either way: no source is ever charged
   * more than its budget within any day of the clock, and a source is refused only when it has
   * spent its budget within the day.
   */
  @Property(tries = 300)
  void noSourceIntroducesMoreThanItsBudgetWithinADay(
      @ForAll("offers") List<Offer> offers, @ForAll @IntRange(min = 0, max = 20) int budget) {
    NewAuthors a = new NewAuthors(budget);
    Map<Integer, List<Long>> admittedAt = new HashMap<>();
    long now = T0;
    long time = Long.MIN_VALUE; // the budget's time: the clock's forward steps only
    int k = 0;
    for (Offer o : offers) {
      now += o.stepMs();
      time = time == Long.MIN_VALUE ? now : time + Math.max(0, o.stepMs());
      NewAuthors.Link l = new NewAuthors.Link("src" + o.source(), now, false);
      PeerId origin = key(k++);
      boolean ok = a.allows(l, origin, now);
      List<Long> at = admittedAt.computeIfAbsent(o.source(), s -> new ArrayList<>());
      long t0 = time;
      long withinDay = at.stream().filter(t -> t > t0 - 24 * H).count();
      assertThat(ok).as("admitted exactly while under budget").isEqualTo(withinDay < budget);
      if (ok) {
        a.admitted(l, origin, now);
        at.add(time);
      }
    }
  }
}
