package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.AuthorQuota.Kind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Whatever the order of messages, their sizes (0 bytes up to past the quota), the authors, and a
 * clock that jumps forward, stands still or goes back: no author's allowance is ever charged more
 * than the quota within any 24 consecutive hours; nothing at or above a hold is taken while it
 * holds; and a quota rebuilt from the charges a store keeps decides exactly as the one that ran.
 */
class AuthorQuotaPropertyTest {
  private static final long H = AuthorQuota.HOUR_MS;
  private static final long T0 = 500 * 24 * H;

  /** One message offered: its author (of 3), seq, cost, whether history, and the clock's step. */
  record Offer(int author, long seq, long cost, boolean old, long stepMs) {}

  @Provide
  Arbitrary<List<Offer>> offers() {
    Arbitrary<Offer> one =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.oneOf(
                    Arbitraries.longs().between(1, 50),
                    Arbitraries.of(Long.MAX_VALUE, Long.MAX_VALUE - 1)),
                Arbitraries.oneOf(
                    Arbitraries.longs().between(AuthorQuota.ROW_BYTES, 3_000),
                    Arbitraries.of(0L, 1L, 999L, 1_000L, 1_001L)),
                Arbitraries.of(false, true),
                Arbitraries.oneOf(
                    Arbitraries.of(0L, 1L, H, 23 * H, 24 * H, -H, -30 * 24 * H),
                    Arbitraries.longs().between(-3 * H, 6 * H)))
            .as(Offer::new);
    return one.list().ofMaxSize(200);
  }

  private static PeerId author(int i) {
    return PeerId.of(new byte[] {(byte) (i + 1)});
  }

  @Property(tries = 500)
  void noAllowanceIsEverChargedMoreThanTheQuotaWithinADay(
      @ForAll("offers") List<Offer> offers, @ForAll @LongRange(min = 0, max = 4_000) long limit) {
    AuthorQuota q = new AuthorQuota(limit);
    long now = T0;
    // the quota's time: moves on by the clock's forward steps, stands still while it goes back
    long time = Long.MIN_VALUE; // from the first reading on
    // per (author, kind): the charges taken, by the hour they were charged in
    Map<String, Map<Long, Long>> taken = new HashMap<>();
    for (Offer o : offers) {
      now += o.stepMs();
      time = time == Long.MIN_VALUE ? now : time + Math.max(0, o.stepMs());
      long hour = AuthorQuota.hourAt(time);
      Kind kind = o.old() ? Kind.OLD : Kind.RECENT;
      PeerId a = author(o.author());
      q.release(now);
      boolean heldBelow = q.holdsBack(a, o.seq(), kind);
      boolean ok = q.take(a, o.seq(), o.cost(), kind, now);
      if (heldBelow) {
        assertThat(ok).as("a seq at or above a hold is never taken").isFalse();
      }
      if (ok) {
        taken
            .computeIfAbsent(o.author() + "/" + kind, k -> new HashMap<>())
            .merge(hour, o.cost(), Long::sum);
      } else {
        assertThat(q.holdsBack(a, o.seq(), kind)).as("a refused seq is held back").isTrue();
      }
    }
    for (Map<Long, Long> byHour : taken.values()) {
      for (long end : byHour.keySet()) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : byHour.entrySet()) {
          if (e.getKey() > end - AuthorQuota.HOURS && e.getKey() <= end) {
            sum += e.getValue();
          }
        }
        assertThat(sum)
            .as("charged within the 24 hours ending at hour %d", end)
            .isLessThanOrEqualTo(limit);
      }
    }
  }

  @Property(tries = 300)
  void aQuotaRebuiltFromTheKeptChargesDecidesAsTheOneThatRan(
      @ForAll("offers") List<Offer> offers,
      @ForAll @IntRange(min = 0, max = 2) int nextAuthor,
      @ForAll @LongRange(min = 0, max = 2_000) long nextCost) {
    long limit = 2_000;
    AuthorQuota ran = new AuthorQuota(limit);
    // what a store keeps: the sum per (author, kind, hour charged)
    Map<List<Object>, Long> kept = new HashMap<>();
    long now = T0;
    for (Offer o : offers) {
      now += o.stepMs();
      Kind kind = o.old() ? Kind.OLD : Kind.RECENT;
      PeerId a = author(o.author());
      ran.release(now);
      if (ran.take(a, o.seq(), o.cost(), kind, now)) {
        kept.merge(List.of(o.author(), kind, ran.chargeHour(now)), o.cost(), Long::sum);
      }
    }
    AuthorQuota restarted = new AuthorQuota(limit);
    for (Map.Entry<List<Object>, Long> e : kept.entrySet()) {
      List<Object> k = e.getKey();
      restarted.restore(
          author((Integer) k.get(0)), (Kind) k.get(1), (Long) k.get(2), e.getValue(), now);
    }
    // the one that ran may be ahead of the clock (it went back meanwhile): charges ahead count as
    // charged now, so a restart frees nothing; only a clock that was set further forward than
    // RESTORE_AHEAD_HOURS loses its charges (as any clock set forward frees)
    long ahead = ran.chargeHour(now) - AuthorQuota.hourAt(now);
    for (int i = 0; i < 3; i++) {
      for (Kind kind : Kind.values()) {
        long after = restarted.used(author(i), kind, now);
        long before = ran.used(author(i), kind, now);
        if (ahead == 0) {
          assertThat(after).as("author %d %s", i, kind).isEqualTo(before);
        } else if (ahead <= AuthorQuota.RESTORE_AHEAD_HOURS) {
          assertThat(after)
              .as("author %d %s, %d hours ahead", i, kind, ahead)
              .isGreaterThanOrEqualTo(before);
        }
      }
    }
    // holds are not kept: a restarted peer finds them again at the first line that does not fit,
    // which is the line the one that ran refuses by its bytes alone
    PeerId a = author(nextAuthor);
    long fresh = 1L << 40;
    boolean fits = nextCost <= limit - ran.used(a, Kind.RECENT, now);
    boolean fitsAfter = restarted.take(a, fresh, nextCost, Kind.RECENT, now);
    if (ahead == 0) {
      assertThat(fitsAfter).isEqualTo(fits);
    } else if (ahead <= AuthorQuota.RESTORE_AHEAD_HOURS && !fits) {
      assertThat(fitsAfter).as("a restart frees nothing").isFalse();
    }
  }

  /**
   * However the clock jumps (far forward, far back, to its extremes), a charge leaves the window
   * within a day of the clock's forward steps after it: a held author is never held for good.
   */
  @Property(tries = 300)
  void aHoldEndsWithinADayOfForwardClockWhateverTheJumpsBefore(
      @ForAll("jumps") List<Long> clock, @ForAll @LongRange(min = 0, max = 1_000) long cost) {
    AuthorQuota q = new AuthorQuota(1_000);
    long seq = 1;
    for (long now : clock) {
      q.release(now);
      q.take(author(0), seq++, cost, Kind.RECENT, now);
    }
    long last = clock.isEmpty() ? T0 : clock.get(clock.size() - 1);
    // a day of the clock's forward steps from its last reading (without overflow)
    long later = last > Long.MAX_VALUE - 24 * H ? last : last + 24 * H;
    if (later == last || q.chargeHour(last) > AuthorQuota.hourAt(Long.MAX_VALUE - 24 * H)) {
      // the clock cannot move forward a day from there, or the quota's own time stands at the end
      // of a long (jumps adding up to 2^63 ms, 292 million years): nothing moves it
      return;
    }
    q.release(later);
    assertThat(q.isHeld(author(0))).as("held a day on").isFalse();
    assertThat(q.used(author(0), Kind.RECENT, later)).isZero();
  }

  @Provide
  Arbitrary<List<Long>> jumps() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                Long.MIN_VALUE,
                Long.MAX_VALUE - 24 * H - 1,
                -1L,
                0L,
                T0,
                T0 + 100 * 365 * 24 * H,
                T0 - 100 * 365 * 24 * H),
            Arbitraries.longs().between(T0 - 3 * 24 * H, T0 + 3 * 24 * H))
        .list()
        .ofMaxSize(40);
  }

  @Property(tries = 1_000)
  void theCostCountsUtf8BytesAsTheWireDoes(@ForAll("text") String text) {
    assertThat(AuthorQuota.utf8Length(text))
        .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Provide
  Arbitrary<String> text() {
    // whole code points only (what a decoded UTF-8 text holds): 1, 2, 3 and 4 bytes each
    Arbitrary<Integer> cp =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 0x7f),
            Arbitraries.integers().between(0x80, 0x7ff),
            Arbitraries.integers().between(0x800, 0xd7ff),
            Arbitraries.integers().between(0xe000, 0xffff),
            Arbitraries.integers().between(0x10000, 0x10ffff));
    return cp.list()
        .ofMaxSize(64)
        .map(
            l -> {
              StringBuilder b = new StringBuilder();
              l.forEach(b::appendCodePoint);
              return b.toString();
            });
  }
}
