package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import meshchat.peer.message.PeerId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
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
        a.stored(key(i));
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aSourceIntroducesItsBudgetOfNewAuthorsADayWhateverItsLinksOrKeys() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link one = a.link("10.0.0.1", T0, false);
    NewAuthors.Link two = a.link("10.0.0.1", T0, false); // another link, same address
    assertThat(offer(a, one, 0, 50, T0)).isEqualTo(50);
    assertThat(offer(a, two, 50, 50, T0 + H)).as("the source's rest").isEqualTo(14);
    assertThat(offer(a, one, 100, 1_000, T0 + 2 * H)).isZero();
    assertThat(a.spent("10.0.0.1", T0 + 2 * H)).isEqualTo(64);
    // another source has its own budget
    NewAuthors.Link other = a.link("10.0.0.2", T0, false);
    assertThat(offer(a, other, 2_000, 100, T0 + 2 * H)).isEqualTo(64);
    // the day rolls: the first 50 leave it a day after they came
    assertThat(offer(a, one, 3_000, 100, T0 + 24 * H - 1)).isZero();
    assertThat(offer(a, one, 3_000, 100, T0 + 24 * H)).isEqualTo(50);
    assertThat(offer(a, two, 4_000, 100, T0 + 25 * H)).isEqualTo(14);
  }

  @Test
  void whatANewcomersLinkNamesInItsFirstMinuteComesFreeAndNothingElse() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link first = a.link("10.0.0.1", T0, true);
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
    NewAuthors.Link later = a.link("10.0.0.3", T0, false);
    later.named(key(30_000), T0);
    assertThat(later.naming(T0)).isFalse();
    assertThat(later.free(key(30_000))).isFalse();
    // a link names at most MAX_NAMED
    NewAuthors.Link flood = a.link("10.0.0.4", T0, true);
    for (int i = 0; i < NewAuthors.MAX_NAMED + 10; i++) {
      flood.named(key(100_000 + i), T0);
    }
    assertThat(flood.namedCount()).isEqualTo(NewAuthors.MAX_NAMED);
  }

  /**
   * What strangers make a newcomer hold for free names is bounded: a name goes once its origin is
   * stored, one origin named on many links is kept once, all links together keep at most {@link
   * NewAuthors#MAX_NAMED_TOTAL}, and a link that goes down takes its names with it. Until session
   * 34 each link kept up to 131,072 names for its whole life, stored or not: about 10 MB a link,
   * times the link slots.
   */
  @Test
  void freeNamesAreDroppedOnceStoredKeptOnceAndBoundedAcrossLinks() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link honest = a.link("10.0.0.1", T0, true);
    NewAuthors.Link also = a.link("10.0.0.2", T0, true);
    for (int i = 0; i < 1_000; i++) {
      honest.named(key(i), T0);
      also.named(key(i), T0); // the same room named by a second link: kept once
    }
    assertThat(a.namedHeld()).isEqualTo(1_000);
    // the catch-up stores them, on either link: each name goes as its origin is stored
    assertThat(offer(a, honest, 0, 600, T0 + 1_000)).isEqualTo(600);
    assertThat(offer(a, also, 600, 400, T0 + 1_000)).isEqualTo(400);
    assertThat(a.namedHeld()).isZero();
    assertThat(honest.namedCount()).isZero();
    assertThat(also.namedCount()).isZero();
    assertThat(a.spent("10.0.0.1", T0 + 1_000)).isZero();
    assertThat(a.spent("10.0.0.2", T0 + 1_000)).isZero();

    // strangers' links name authors that never come: each at most MAX_NAMED, all together at most
    // MAX_NAMED_TOTAL, however many links
    honest.named(key(5_000_000), T0 + 2_000); // named before the flood: stays free
    List<NewAuthors.Link> strangers = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      NewAuthors.Link l = a.link("2001:db8:" + s + "::/64", T0, true);
      strangers.add(l);
      for (int i = 0; i < NewAuthors.MAX_NAMED + 5; i++) {
        l.named(key(1_000_000 + s * (NewAuthors.MAX_NAMED + 5) + i), T0 + 2_000);
      }
      assertThat(l.namedCount()).isLessThanOrEqualTo(NewAuthors.MAX_NAMED);
    }
    assertThat(a.namedHeld()).isEqualTo(NewAuthors.MAX_NAMED_TOTAL);
    assertThat(honest.free(key(5_000_000))).isTrue();
    // the links go down: what they named goes with them
    for (NewAuthors.Link l : strangers) {
      l.closed();
      assertThat(l.namedCount()).isZero();
    }
    assertThat(a.namedHeld()).isOne();
    honest.closed();
    also.closed();
    assertThat(a.namedHeld()).isZero();
  }

  @Test
  void zeroAdmitsNoneOffAdmitsAllAndBelowZeroIsRefused() {
    NewAuthors none = new NewAuthors(0);
    NewAuthors.Link l = none.link("s", T0, false);
    assertThat(offer(none, l, 0, 10, T0)).isZero();
    NewAuthors.Link named = none.link("s", T0, true);
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
    NewAuthors.Link l = a.link("s", Long.MIN_VALUE, true);
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
      NewAuthors.Link l = a.link("s" + i, T0, false);
      offer(a, l, i, 1, T0);
    }
    assertThat(a.sourcesKept()).isEqualTo(NewAuthors.MAX_SOURCES);
  }

  /**
   * Past {@link NewAuthors#MAX_SOURCES} sources, forgetting one grants no fresh budget: a flooder
   * with more addresses (/64s) than are kept, cycling them, gets at most one budget more in the day
   * than its kept sources' budgets, and a source forgotten and back gets nothing. Until session 34
   * a forgotten source came back with its whole budget: here 2 x 4,196 x 4 more authors a day.
   */
  @Test
  void evictedSourcesGetNoFreshBudget() {
    int budget = 4;
    NewAuthors a = new NewAuthors(budget);
    int n = NewAuthors.MAX_SOURCES + 100;
    int admitted = 0;
    int k = 0;
    for (int round = 0; round < 3; round++) { // the same sources, cycled three times in the day
      for (int i = 0; i < n; i++) {
        NewAuthors.Link l = a.link("2001:db8:" + Integer.toHexString(i) + "::/64", T0, false);
        admitted += offer(a, l, k, budget, T0 + round * H);
        k += budget;
      }
    }
    assertThat(a.sourcesKept()).isEqualTo(NewAuthors.MAX_SOURCES);
    assertThat(admitted)
        .as("the kept sources' budgets and at most one budget more")
        .isLessThanOrEqualTo((NewAuthors.MAX_SOURCES + 1) * budget)
        .isGreaterThanOrEqualTo(NewAuthors.MAX_SOURCES * budget);
    // an honest source never seen, in the flood's day: it may be a forgotten one, so nothing
    NewAuthors.Link fresh = a.link("10.9.9.9", T0 + 3 * H, false);
    assertThat(offer(a, fresh, k, budget, T0 + 3 * H)).isZero();
    // a day after the flood's admissions, every source has its budget again
    long later = T0 + 2 * H + 24 * H;
    assertThat(offer(a, fresh, k + 10, budget, later)).isEqualTo(budget);
    NewAuthors.Link back = a.link("2001:db8:0::/64", later, false);
    assertThat(offer(a, back, k + 20, budget, later)).isEqualTo(budget);
  }

  /**
   * rev36 FINDING-4: the sources of one network (an IPv6 /48's /64s) share {@link
   * NewAuthors#NETWORK_SOURCES} sources' budgets, however many they are; another network has its
   * own; and a network forgotten past {@link NewAuthors#MAX_NETWORKS} comes back with no fresh
   * budget (its spending is in the networks' shared overflow), as a source does.
   */
  @Test
  void aNetworksSourcesShareAFewBudgetsAndForgettingANetworkGrantsNone() {
    int budget = 2;
    int networkBudget = NewAuthors.NETWORK_SOURCES * budget;
    NewAuthors a = new NewAuthors(budget);
    int k = 0;
    int admitted = 0;
    for (int i = 0; i < 20; i++, k += budget) {
      admitted += offer(a, a.link("2001:db8:1:" + i + "::/64", "N0", T0, false), k, budget, T0);
    }
    assertThat(admitted).as("20 sources of one network").isEqualTo(networkBudget);
    assertThat(a.spentByNetwork("N0", T0)).isEqualTo(networkBudget);
    assertThat(offer(a, a.link("10.0.0.9", "N1", T0, false), k, 10, T0)).isEqualTo(budget);
    k += 10;
    // N0 is pushed out by MAX_NETWORKS networks, charged by few sources (none is forgotten)
    for (int n = 0; n < NewAuthors.MAX_NETWORKS; n++) {
      offer(a, a.link("hub" + n / budget, "M" + n, T0 + 1, false), k++, 1, T0 + 1);
    }
    assertThat(a.networksKept()).isEqualTo(NewAuthors.MAX_NETWORKS);
    assertThat(a.sourcesKept()).isLessThan(NewAuthors.MAX_SOURCES);
    // N0 (and N1) forgotten: a fresh source of it gets nothing, nor one of a network never seen
    assertThat(a.spentByNetwork("N0", T0 + 2)).isEqualTo(networkBudget);
    assertThat(offer(a, a.link("2001:db8:1:99::/64", "N0", T0 + 2, false), k, 5, T0 + 2)).isZero();
    assertThat(offer(a, a.link("10.7.7.7", "N9", T0 + 2, false), k + 5, 5, T0 + 2)).isZero();
    // a day after, both have their budget again
    long later = T0 + 24 * H + 1;
    assertThat(offer(a, a.link("2001:db8:1:98::/64", "N0", later, false), k + 10, 5, later))
        .isEqualTo(budget);
    assertThat(offer(a, a.link("10.7.7.8", "N9", later, false), k + 20, 5, later))
        .isEqualTo(budget);
  }

  /** A refund (the unit that stored the origin rolled back) gives back its network's charge too. */
  @Test
  void aRefundGivesTheSourceAndTheNetworkTheirChargeBack() {
    NewAuthors a = new NewAuthors(1);
    NewAuthors.Link l = a.link("2001:db8:1:1::/64", "2001:db8:1::/48", T0, false);
    assertThat(offer(a, l, 0, 1, T0)).isOne();
    a.refund(l);
    assertThat(a.spent("2001:db8:1:1::/64", T0)).isZero();
    assertThat(a.spentByNetwork("2001:db8:1::/48", T0)).isZero();
    a.refund(l); // nothing more to give back
    assertThat(a.spentByNetwork("2001:db8:1::/48", T0)).isZero();
  }

  /** A source forgotten with some of its budget spent comes back with no more than its rest. */
  @Test
  void aForgottenSourceComesBackWithOnlyWhatItHadLeft() {
    NewAuthors a = new NewAuthors(10);
    NewAuthors.Link first = a.link("10.0.0.1", T0, false);
    assertThat(offer(a, first, 0, 3, T0)).isEqualTo(3);
    for (int i = 0; i < NewAuthors.MAX_SOURCES; i++) { // pushes 10.0.0.1 out
      offer(a, a.link("s" + i, T0 + 1, false), 1_000 + i, 1, T0 + 1);
    }
    assertThat(a.spent("10.0.0.1", T0 + 2)).as("forgotten, counted in the overflow").isEqualTo(3);
    NewAuthors.Link again = a.link("10.0.0.1", T0 + 2, false);
    // the 7 it had left, less the 1 of the source forgotten to make room for it (shared overflow)
    assertThat(offer(a, again, 10_000, 10, T0 + 2)).isEqualTo(6);
  }

  /**
   * One new author offered: its source (of 12, in 2 networks of 6: more sources than a network's
   * budget is sources'), and the clock's step.
   */
  record Offer(int source, long stepMs) {
    int network() {
      return source / 6;
    }
  }

  @Provide
  Arbitrary<List<Offer>> offers() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 11),
            Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, H, 24 * H, -H, -30 * 24 * H),
                Arbitraries.longs().between(-H, 6 * H)))
        .as(Offer::new)
        .list()
        .ofMaxSize(300);
  }

  /**
   * Whatever the order, the sources and a clock that jumps either way: no source is ever charged
   * more than its budget within any day of the clock, no network more than {@link
   * NewAuthors#NETWORK_SOURCES} budgets whatever its sources do, and an origin is refused only when
   * its source or its network has spent its budget within the day.
   */
  @Property(tries = 300)
  void noSourceNorNetworkIntroducesMoreThanItsBudgetWithinADay(
      @ForAll("offers") List<Offer> offers, @ForAll @IntRange(min = 0, max = 20) int budget) {
    NewAuthors a = new NewAuthors(budget);
    int networkBudget = NewAuthors.NETWORK_SOURCES * budget;
    Map<Integer, List<Long>> admittedAt = new HashMap<>();
    Map<Integer, List<Long>> networkAdmittedAt = new HashMap<>();
    long now = T0;
    long time = Long.MIN_VALUE; // the budget's time: the clock's forward steps only
    int k = 0;
    for (Offer o : offers) {
      now += o.stepMs();
      time = time == Long.MIN_VALUE ? now : time + Math.max(0, o.stepMs());
      NewAuthors.Link l = a.link("src" + o.source(), "net" + o.network(), now, false);
      PeerId origin = key(k++);
      boolean ok = a.allows(l, origin, now);
      List<Long> at = admittedAt.computeIfAbsent(o.source(), s -> new ArrayList<>());
      List<Long> netAt = networkAdmittedAt.computeIfAbsent(o.network(), s -> new ArrayList<>());
      long t0 = time;
      long withinDay = at.stream().filter(t -> t > t0 - 24 * H).count();
      long networkWithinDay = netAt.stream().filter(t -> t > t0 - 24 * H).count();
      assertThat(ok)
          .as("admitted exactly while its source and its network are under budget")
          .isEqualTo(withinDay < budget && networkWithinDay < networkBudget);
      if (ok) {
        a.admitted(l, origin, now);
        at.add(time);
        netAt.add(time);
        assertThat(networkWithinDay + 1).isLessThanOrEqualTo(networkBudget);
        assertThat(a.spentByNetwork("net" + o.network(), now)).isEqualTo(networkWithinDay + 1);
      }
      Statistics.label("network refused").collect(withinDay < budget && !ok);
    }
  }

  /**
   * rev35 FINDING-3: one source names at most {@link NewAuthors#MAX_NAMED} origins free, all its
   * links together, so two links of one source (one member on two links, two addresses of one /64)
   * cannot fill the table; until session 36 the bound was per link, and they did, and an honest
   * hub's link that came next named nothing free.
   */
  @Test
  void twoLinksOfOneSourceNameAtMostOneSourcesWorthAndAnotherSourceStillNames() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link one = a.link("2001:db8:6::/64", T0, true);
    NewAuthors.Link two = a.link("2001:db8:6::/64", T0, true);
    for (int i = 0; i < NewAuthors.MAX_NAMED; i++) {
      one.named(key(1_000_000 + i), T0);
      two.named(key(2_000_000 + i), T0);
    }
    assertThat(a.namedBy("2001:db8:6::/64")).isEqualTo(NewAuthors.MAX_NAMED);
    assertThat(one.namedCount() + two.namedCount()).isEqualTo(NewAuthors.MAX_NAMED);
    // a name the source's other link holds already costs it nothing more
    two.named(key(1_000_000), T0);
    assertThat(two.free(key(1_000_000))).isTrue();
    assertThat(a.namedBy("2001:db8:6::/64")).isEqualTo(NewAuthors.MAX_NAMED);
    NewAuthors.Link hub = a.link("10.0.0.1", T0 + 1_000, true);
    for (int i = 0; i < 10_000; i++) {
      hub.named(key(i), T0 + 2_000);
    }
    assertThat(offer(a, hub, 0, 10_000, T0 + 3 * 24 * H)).isEqualTo(10_000);
    assertThat(a.spent("10.0.0.1", T0 + 3 * 24 * H)).as("the catch-up was free").isZero();
  }

  /**
   * A full table: a source under its fair share (the table over the sources naming, itself counted)
   * takes the newest names of the source naming the most; one at its share does not, and a source
   * at or under the share never gives a name up.
   */
  @Test
  void aSourceUnderItsShareOfAFullTableTakesTheNewestNamesOfTheSourceNamingTheMost() {
    NewAuthors a = new NewAuthors(64, 6); // a source names at most 6, all at most 12
    NewAuthors.Link x = a.link("x", T0, true);
    NewAuthors.Link y = a.link("y", T0, true);
    for (int i = 0; i < 6; i++) {
      x.named(key(100 + i), T0);
      y.named(key(200 + i), T0);
    }
    assertThat(a.namedHeld()).isEqualTo(12);
    NewAuthors.Link z = a.link("z", T0, true); // share: 12 / 3 = 4
    for (int i = 0; i < 6; i++) {
      z.named(key(300 + i), T0);
    }
    assertThat(a.namedHeld()).isEqualTo(12);
    assertThat(List.of(a.namedBy("x"), a.namedBy("y"), a.namedBy("z"))).containsExactly(4, 4, 4);
    assertThat(z.free(key(303))).isTrue();
    assertThat(z.free(key(304))).as("at its share: no more").isFalse();
    assertThat(x.free(key(103))).as("x keeps its oldest").isTrue();
    assertThat(x.free(key(104))).as("and gave up its newest").isFalse();
    assertThat(x.free(key(105))).isFalse();
    // a name z shares with x is no place more, and costs x nothing
    z.named(key(100), T0);
    assertThat(z.free(key(100))).isTrue();
    assertThat(x.free(key(100))).isTrue();
    assertThat(a.namedBy("x")).isEqualTo(4);
    // stored names leave every source that named them
    a.stored(key(100));
    assertThat(List.of(a.namedBy("x"), a.namedBy("z"))).containsExactly(3, 4);
    // the links go down: their sources name nothing, and are not kept
    x.closed();
    y.closed();
    z.closed();
    assertThat(a.namedHeld()).isZero();
    assertThat(a.sourcesNaming()).isZero();
  }

  /**
   * A source's order of names (kept to find its newest) is bounded by what it names now, not by
   * what it once named: names gone with a link, or stored, leave it too. Until they did (in this
   * session's first cut), a source keeping one link up with one name held on to every origin its
   * other links had named, 131,072 keys a source, 16 sources of two links each about 2 million.
   */
  @Test
  void aSourcesOrderOfNamesShrinksWithWhatItNames() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link stays = a.link("s", T0, true);
    NewAuthors.Link goes = a.link("s", T0, true);
    stays.named(key(0), T0);
    for (int i = 1; i <= 10_000; i++) {
      goes.named(key(i), T0);
    }
    assertThat(a.orderKept("s")).isEqualTo(10_001);
    goes.closed();
    assertThat(a.namedBy("s")).isOne();
    assertThat(a.orderKept("s")).isLessThanOrEqualTo(2 + 17);
    NewAuthors.Link more = a.link("s", T0, true);
    for (int i = 20_000; i < 30_000; i++) {
      more.named(key(i), T0);
    }
    for (int i = 20_000; i < 29_990; i++) {
      a.stored(key(i));
    }
    assertThat(a.namedBy("s")).isEqualTo(11);
    assertThat(a.orderKept("s")).isLessThanOrEqualTo(2 * 11 + 17);
    assertThat(more.free(key(29_995))).isTrue();
    assertThat(stays.free(key(0))).isTrue();
  }

  /**
   * A link's close reads its own names, not the table: until session 37 forget scanned every name
   * held (up to 262,144) on each close of a link that named one, so a stranger's links naming one
   * origin each and closing cost the room thread the whole table per close.
   */
  @Test
  void aLinksCloseReadsItsOwnNamesNotTheWholeTable() {
    NewAuthors a = new NewAuthors(64);
    NewAuthors.Link hub = a.link("hub", T0, true);
    for (int i = 0; i < 100_000; i++) {
      hub.named(key(i), T0);
    }
    for (int round = 0; round < 3; round++) {
      NewAuthors.Link small = a.link("s", T0, true);
      small.named(key(200_000 + round), T0);
      small.named(key(200_100 + round), T0);
      small.named(key(5), T0); // the hub names it too
      long before = a.forgetVisits;
      small.closed();
      assertThat(a.forgetVisits - before).as("names read by a close").isEqualTo(3);
      assertThat(small.free(key(200_000 + round))).isFalse();
      assertThat(a.namedBy("s")).isZero();
      assertThat(a.sourcesNaming()).isOne();
    }
    assertThat(hub.free(key(5))).isTrue();
    assertThat(a.namedHeld()).isEqualTo(100_000);
    // a link whose names were mostly stored keeps a list of about what it still names
    NewAuthors.Link big = a.link("b", T0, true);
    for (int i = 300_000; i < 310_000; i++) {
      big.named(key(i), T0);
      if (i < 309_990) {
        a.stored(key(i));
      }
    }
    long before = a.forgetVisits;
    big.closed();
    assertThat(a.forgetVisits - before).isLessThanOrEqualTo(2 * 10 + 17);
    assertThat(a.namedBy("b")).isZero();
    assertThat(a.namedHeld()).isEqualTo(100_000);
  }

  /** One step of {@link #namesAreSharedFairlyBySource}: what, on which, and a number. */
  record NameStep(int kind, int a, int b) {}

  @Provide
  Arbitrary<List<NameStep>> nameSteps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 19), // 0-2: up, 3-17: named, 18: stored, 19: down
            Arbitraries.integers().between(0, 15),
            Arbitraries.integers().between(0, 59))
        .as(NameStep::new)
        .list()
        .ofMinSize(20)
        .ofMaxSize(400);
  }

  /**
   * rev35 FINDING-3, any interleaving: links of up to six sources come up, name origins (of 60,
   * many shared), have them stored and go down. At every step no source names more than its bound
   * and the table never more than twice that; what the class counts per source is what its links
   * hold free; a source under its fair share of a full table gets the name it asks for; a source at
   * or under the share never gives one up to another; and a source's order of names stays within
   * twice its names and a few.
   */
  @Property(tries = 300)
  void namesAreSharedFairlyBySource(
      @ForAll("nameSteps") List<NameStep> steps, @ForAll @IntRange(min = 1, max = 6) int bound) {
    NewAuthors a = new NewAuthors(64, bound);
    List<NewAuthors.Link> up = new ArrayList<>();
    boolean tookAPlace = false; // a source under its share named into a full table
    for (NameStep st : steps) {
      if (st.kind() <= 2 || up.isEmpty()) {
        up.add(a.link("s" + st.a() % 6, T0, true));
      } else if (st.kind() <= 17) {
        NewAuthors.Link l = up.get(st.a() % up.size());
        PeerId o = key(st.b());
        Object s = l.source();
        Map<Object, Integer> before = perSource(a, up);
        boolean fresh = up.stream().noneMatch(x -> x.free(o));
        int sources = before.size() + (before.containsKey(s) ? 0 : 1);
        int share = 2 * bound / sources;
        int mine = before.getOrDefault(s, 0);
        boolean full = a.namedHeld() == 2 * bound;
        l.named(o, T0);
        if (fresh && full && mine < share && mine < bound) {
          assertThat(l.free(o)).as("under its share of a full table: named").isTrue();
          tookAPlace = true;
        }
        Map<Object, Integer> after = perSource(a, up);
        for (Map.Entry<Object, Integer> e : before.entrySet()) {
          if (!e.getKey().equals(s) && e.getValue() <= share) {
            assertThat(after.getOrDefault(e.getKey(), 0))
                .as("%s at or under the share %d keeps its names", e.getKey(), share)
                .isEqualTo(e.getValue());
          }
        }
      } else if (st.kind() == 18) {
        a.stored(key(st.b()));
      } else {
        up.remove(st.a() % up.size()).closed();
      }
      Map<Object, Integer> held = perSource(a, up);
      for (Map.Entry<Object, Integer> e : held.entrySet()) {
        assertThat(e.getValue()).as("a source's names").isLessThanOrEqualTo(bound);
        assertThat(a.namedBy(e.getKey())).as("counted as held").isEqualTo(e.getValue());
        assertThat(a.orderKept(e.getKey())).isLessThanOrEqualTo(2 * e.getValue() + 17);
      }
      assertThat(a.sourcesNaming()).isEqualTo(held.size());
      long names =
          java.util.stream.IntStream.range(0, 60)
              .filter(i -> up.stream().anyMatch(x -> x.free(key(i))))
              .count();
      assertThat(a.namedHeld()).isEqualTo(names).isLessThanOrEqualTo(2 * bound);
      for (NewAuthors.Link l : up) {
        long free = IntStream.range(0, 60).filter(i -> l.free(key(i))).count();
        assertThat(l.namedCount()).isEqualTo(free);
      }
    }
    // the case the fix is for comes up in most runs, or the property proves little
    Statistics.label("a source under its share took a place").collect(tookAPlace);
    Statistics.label("a source under its share took a place")
        .coverage(c -> c.check(true).percentage(p -> p >= 25));
  }

  /** Each source naming, with how many origins its links hold free (from the links themselves). */
  private static Map<Object, Integer> perSource(NewAuthors a, List<NewAuthors.Link> up) {
    Map<Object, Integer> n = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      PeerId o = key(i);
      up.stream()
          .filter(l -> l.free(o))
          .map(NewAuthors.Link::source)
          .distinct()
          .forEach(s -> n.merge(s, 1, Integer::sum));
    }
    return n;
  }
}
