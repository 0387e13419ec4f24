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
    long hour = Long.MIN_VALUE; // the quota's hour: the clock's, never back
    // per (author, kind): the charges taken, by the hour they were charged in
    Map<String, Map<Long, Long>> taken = new HashMap<>();
    for (Offer o : offers) {
      now += o.stepMs();
      hour = Math.max(hour, AuthorQuota.hourAt(now));
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
    for (int i = 0; i < 3; i++) {
      for (Kind kind : Kind.values()) {
        assertThat(restarted.used(author(i), kind, now))
            .as("author %d %s", i, kind)
            .isEqualTo(ran.used(author(i), kind, now));
      }
    }
    // holds are not kept: a restarted peer finds them again at the first line that does not fit,
    // which is the line the one that ran refuses by its bytes alone
    PeerId a = author(nextAuthor);
    long fresh = 1L << 40;
    boolean fits = nextCost <= limit - ran.used(a, Kind.RECENT, now);
    assertThat(restarted.take(a, fresh, nextCost, Kind.RECENT, now)).isEqualTo(fits);
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
