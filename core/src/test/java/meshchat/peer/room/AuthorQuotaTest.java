package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.AuthorQuota.Kind;
import org.junit.jupiter.api.Test;

/**
 * The author quota's rule at its edges (docs/security.md, "Author quota"): a line exactly at the
 * quota is kept and one byte past is not, empty lines cost their row, the window rolls by the local
 * hour, a clock set back frees nothing, history has its own allowance, and seq 2^63-1 is a seq.
 */
class AuthorQuotaTest {
  private static final PeerId A = PeerId.of(new byte[] {1});
  private static final PeerId B = PeerId.of(new byte[] {2});
  private static final long H = AuthorQuota.HOUR_MS;
  private static final long T0 = 1_000 * 24 * H; // an hour boundary, well after the epoch

  private static ChatMessage line(PeerId origin, long seq, String text, long wallTimeMs) {
    return new ChatMessage(
        new MessageId(origin, seq), seq, wallTimeMs, "", text, List.of(), new byte[0]);
  }

  private static String bytes(int n) {
    return "x".repeat(n);
  }

  @Test
  void aLineExactlyAtTheQuotaIsKeptAndOneBytePastIsNot() {
    long limit = 1_000;
    AuthorQuota exact = new AuthorQuota(limit);
    ChatMessage atLimit = line(A, 1, bytes((int) limit - AuthorQuota.ROW_BYTES), T0);
    assertThat(AuthorQuota.cost(atLimit)).isEqualTo(limit);
    assertThat(exact.take(atLimit, T0)).isTrue();
    assertThat(exact.used(A, Kind.RECENT, T0)).isEqualTo(limit);
    assertThat(exact.isHeld(A)).isFalse();
    // the next line, even an empty one, is one row past
    assertThat(exact.take(line(A, 2, "", T0), T0)).isFalse();
    assertThat(exact.heldAt(A)).isEqualTo(2);

    AuthorQuota past = new AuthorQuota(limit);
    ChatMessage onePast = line(A, 1, bytes((int) limit - AuthorQuota.ROW_BYTES + 1), T0);
    assertThat(past.take(onePast, T0)).isFalse();
    assertThat(past.heldAt(A)).isEqualTo(1);
    assertThat(past.used(A, Kind.RECENT, T0)).isZero();
    // held at 1, nothing above it is taken, however small; another author is not touched
    assertThat(past.take(line(A, 2, "", T0), T0)).isFalse();
    assertThat(past.take(line(B, 1, "hi", T0), T0)).isTrue();
    assertThat(past.held()).containsOnlyKeys(A);
  }

  @Test
  void emptyLinesCostTheirRowSoAFloodOfThemIsBoundedToo() {
    AuthorQuota q = new AuthorQuota(10L * AuthorQuota.ROW_BYTES);
    for (long seq = 1; seq <= 10; seq++) {
      assertThat(q.take(line(A, seq, "", T0), T0)).as("line %d", seq).isTrue();
    }
    assertThat(q.take(line(A, 11, "", T0), T0)).isFalse();
    assertThat(q.heldAt(A)).isEqualTo(11);
    AuthorQuota none = new AuthorQuota(0);
    assertThat(none.take(line(A, 1, "", T0), T0)).as("a quota of 0 keeps nothing").isFalse();
  }

  @Test
  void theWindowRollsByTheLocalHourAndAHoldEndsOnceTheRefusedLineFits() {
    AuthorQuota q = new AuthorQuota(1_000);
    String text = bytes(1_000 - AuthorQuota.ROW_BYTES);
    assertThat(q.take(line(A, 1, text, T0), T0 + 5)).isTrue();
    assertThat(q.take(line(A, 2, text, T0), T0 + H)).isFalse();
    // 23 hours and 59 minutes on, the charge is still within the day
    long almost = T0 + 24 * H - 60_000;
    assertThat(q.release(almost)).isEmpty();
    assertThat(q.take(line(A, 2, text, almost), almost)).isFalse();
    // the hour it was charged in leaves the window 24 hours on: the hold ends, line 2 fits
    long day = T0 + 24 * H;
    assertThat(q.release(day)).containsExactly(A);
    assertThat(q.isHeld(A)).isFalse();
    assertThat(q.take(line(A, 2, text, day), day)).isTrue();
  }

  @Test
  void aClockSetBackFreesNothingAndChargesTheLatestHour() {
    AuthorQuota q = new AuthorQuota(1_000);
    String text = bytes(1_000 - AuthorQuota.ROW_BYTES);
    long now = T0 + 48 * H;
    assertThat(q.take(line(A, 1, text, now), now)).isTrue();
    long back =
        T0; // two days back: were hours taken as read, the charge would be out of the window
    assertThat(q.take(line(A, 2, "", back), back)).isFalse();
    assertThat(q.release(back)).isEmpty();
    assertThat(q.used(A, Kind.RECENT, back)).isEqualTo(1_000);
    assertThat(q.chargeHour(back)).isEqualTo(AuthorQuota.hourAt(now));
    assertThat(q.release(now + 24 * H)).containsExactly(A);
    // the extremes of a clock: no overflow, and still the latest hour
    assertThat(q.take(A, 1, 0, Kind.RECENT, Long.MIN_VALUE)).isTrue();
    assertThat(q.take(A, 2, 0, Kind.OLD, Long.MAX_VALUE)).isTrue();
    assertThat(q.chargeHour(0)).isEqualTo(AuthorQuota.hourAt(Long.MAX_VALUE));
  }

  @Test
  void historyCaughtUpHasItsOwnAllowanceSoTodaysLinesStillFit() {
    AuthorQuota q = new AuthorQuota(1_000);
    long now = T0 + 7 * 24 * H;
    String text = bytes(500 - AuthorQuota.ROW_BYTES);
    // a week of history, written days ago and fetched now: two lines fill the history allowance
    assertThat(q.take(line(A, 1, text, T0), now)).isTrue();
    assertThat(q.take(line(A, 2, text, T0 + H), now)).isTrue();
    assertThat(q.take(line(A, 3, text, T0 + 2 * H), now)).isFalse();
    assertThat(q.used(A, Kind.OLD, now)).isEqualTo(1_000);
    // today's live line is charged to the live allowance, untouched by the catch-up
    assertThat(q.take(line(A, 40, text, now - 1_000), now)).isTrue();
    assertThat(q.used(A, Kind.RECENT, now)).isEqualTo(500);
    // the hold of the history allowance still keeps seqs from 3 on out of what is asked for
    assertThat(q.heldAt(A)).isEqualTo(3);
    assertThat(AuthorQuota.kind(now - 24 * H, now)).isEqualTo(Kind.RECENT);
    assertThat(AuthorQuota.kind(now - 24 * H - 1, now)).isEqualTo(Kind.OLD);
    assertThat(AuthorQuota.kind(Long.MIN_VALUE, now)).isEqualTo(Kind.OLD);
    assertThat(AuthorQuota.kind(Long.MAX_VALUE, now)).isEqualTo(Kind.RECENT);
  }

  @Test
  void seqTwoToTheSixtyThreeMinusOneIsHeldLikeAnyOther() {
    // the wire bounds a seq to 2^62 (WireBounds): the quota itself takes any long
    AuthorQuota q = new AuthorQuota(1_000);
    assertThat(q.take(A, Long.MAX_VALUE - 1, 0, Kind.RECENT, T0)).isTrue();
    assertThat(q.holdsBack(A, Long.MAX_VALUE)).isFalse();
    assertThat(q.take(A, Long.MAX_VALUE, 1_001, Kind.RECENT, T0)).isFalse();
    assertThat(q.isHeld(A)).isTrue();
    assertThat(q.heldAt(A)).isEqualTo(Long.MAX_VALUE);
    assertThat(q.holdsBack(A, Long.MAX_VALUE)).isTrue();
    assertThat(q.holdsBack(A, Long.MAX_VALUE - 1)).isFalse();
    assertThat(q.held()).containsEntry(A, Long.MAX_VALUE);
    assertThat(q.take(A, Long.MAX_VALUE, 0, Kind.RECENT, T0)).as("held there").isFalse();
    assertThat(q.take(A, 1, Long.MAX_VALUE, Kind.RECENT, T0)).as("no overflow").isFalse();
    assertThat(q.heldAt(A)).isEqualTo(1);
  }

  @Test
  void aRestartCountsTheDayFromTheChargesTheStoreKept() {
    AuthorQuota before = new AuthorQuota(1_000);
    String text = bytes(400 - AuthorQuota.ROW_BYTES);
    assertThat(before.take(line(A, 1, text, T0), T0)).isTrue();
    assertThat(before.take(line(A, 2, text, T0), T0 + 3 * H)).isTrue();
    // as the store keeps them: per hour; and one from two days ago, which counts nothing
    AuthorQuota after = new AuthorQuota(1_000);
    long now = T0 + 5 * H;
    after.restore(A, Kind.RECENT, AuthorQuota.hourAt(T0), 400, now);
    after.restore(A, Kind.RECENT, AuthorQuota.hourAt(T0 + 3 * H), 400, now);
    after.restore(A, Kind.RECENT, AuthorQuota.hourAt(T0 - 48 * H), 400, now);
    assertThat(after.used(A, Kind.RECENT, now)).isEqualTo(800);
    assertThat(after.take(line(A, 3, text, now), now)).isFalse();
    // a charge kept from an hour later than the clock reads now (set back since) still counts
    AuthorQuota back = new AuthorQuota(1_000);
    back.restore(A, Kind.RECENT, AuthorQuota.hourAt(T0 + 10 * H), 800, T0);
    assertThat(back.take(line(A, 3, text, T0), T0)).isFalse();
  }

  @Test
  void keptChargesOf2To63Minus1SaturateAndHoldTheirAuthorUntilTheLastOneLeavesTheDay() {
    // two rows of 2^63-1 bytes (a hostile or corrupt file): summed, they overflowed to a negative
    // total, which freed the author
    AuthorQuota q = new AuthorQuota(1_000);
    long now = T0 + 5 * H;
    long h = AuthorQuota.hourAt(now);
    q.restore(A, Kind.RECENT, h - 2, Long.MAX_VALUE, now);
    q.restore(A, Kind.RECENT, h - 1, Long.MAX_VALUE, now);
    q.restore(A, Kind.RECENT, h - 1, Long.MAX_VALUE, now); // the same hour twice
    assertThat(q.used(A, Kind.RECENT, now)).isEqualTo(Long.MAX_VALUE);
    assertThat(q.take(line(A, 1, "", now), now)).isFalse();
    // the first hour leaves the window: the second still holds all it can
    long first = now + 22 * H;
    assertThat(q.release(first)).isEmpty();
    assertThat(q.used(A, Kind.RECENT, first)).isEqualTo(Long.MAX_VALUE);
    long both = now + 23 * H;
    assertThat(q.release(both)).containsExactly(A);
    assertThat(q.used(A, Kind.RECENT, both)).isZero();
    // a live charge on top of a saturated one neither overflows nor frees
    AuthorQuota live = new AuthorQuota(Long.MAX_VALUE - 1);
    live.restore(B, Kind.OLD, h, Long.MAX_VALUE - 2, now);
    assertThat(live.take(B, 1, 1, Kind.OLD, now)).isTrue();
    assertThat(live.take(B, 2, Long.MAX_VALUE, Kind.OLD, now)).isFalse();
    live.restore(B, Kind.OLD, h, Long.MAX_VALUE, now);
    assertThat(live.used(B, Kind.OLD, now)).isEqualTo(Long.MAX_VALUE);
    // a cost below 0 (never one of a message) frees nothing
    AuthorQuota neg = new AuthorQuota(1_000);
    assertThat(neg.take(A, 1, 1_000, Kind.RECENT, now)).isTrue();
    assertThat(neg.take(A, 2, -1, Kind.RECENT, now)).isTrue();
    assertThat(neg.take(A, 3, Long.MIN_VALUE, Kind.RECENT, now)).isTrue();
    assertThat(neg.used(A, Kind.RECENT, now)).isEqualTo(1_000);
  }

  @Test
  void keptChargesOfNoBytesOrFromFarHoursCountNothingAndMoveNoHour() {
    AuthorQuota q = new AuthorQuota(1_000);
    long now = T0 + 5 * H;
    long h = AuthorQuota.hourAt(now);
    q.restore(A, Kind.RECENT, h, 0, now);
    q.restore(A, Kind.RECENT, h, -1, now);
    q.restore(A, Kind.RECENT, h, Long.MIN_VALUE, now);
    q.restore(A, Kind.RECENT, Long.MIN_VALUE, 900, now);
    q.restore(A, Kind.RECENT, -1, 900, now);
    q.restore(A, Kind.RECENT, h - 24, 900, now); // just out of the window
    q.restore(A, Kind.RECENT, h + AuthorQuota.RESTORE_AHEAD_HOURS + 1, 900, now);
    q.restore(A, Kind.RECENT, Long.MAX_VALUE, 900, now);
    assertThat(q.used(A, Kind.RECENT, now)).isZero();
    // a row from a far hour used to move the quota's hour there for good: windows never rolled
    assertThat(q.chargeHour(now)).isEqualTo(h);
    // a row a little ahead (the clock was set back since) counts, as charged now: a day from now
    q.restore(B, Kind.RECENT, h + AuthorQuota.RESTORE_AHEAD_HOURS, 1_000, now);
    assertThat(q.chargeHour(now)).isEqualTo(h);
    assertThat(q.take(line(B, 1, "", now), now)).isFalse();
    assertThat(q.release(now + 23 * H)).isEmpty();
    assertThat(q.release(now + 24 * H)).containsExactly(B);
  }

  @Test
  void aClockSetFarForwardAndBackLeavesTheWindowsRollingWithRealTime() {
    AuthorQuota q = new AuthorQuota(1_000);
    String text = bytes(1_000 - AuthorQuota.ROW_BYTES);
    assertThat(q.take(line(A, 1, text, T0), T0)).isTrue();
    // the clock jumps 100 years ahead: the old charge leaves the window (a forward clock frees)
    long far = T0 + 100 * 365 * 24 * H;
    assertThat(q.take(line(A, 2, text, far), far)).isTrue();
    assertThat(q.take(line(A, 3, "", far), far)).isFalse();
    // and back to the right time: nothing is freed by going back ...
    long back = T0 + H;
    assertThat(q.release(back)).isEmpty();
    assertThat(q.take(line(A, 3, "", back), back)).isFalse();
    assertThat(q.release(back + 23 * H)).isEmpty();
    // ... but the windows roll on with real time: a day after the jump's charge, A is free
    assertThat(q.release(back + 24 * H)).containsExactly(A);
    assertThat(q.take(line(A, 3, text, back + 24 * H), back + 24 * H)).isTrue();
    // the same with the clock at its extremes: no overflow, and it still rolls
    AuthorQuota x = new AuthorQuota(1_000);
    assertThat(x.take(A, 1, 1_000, Kind.RECENT, Long.MIN_VALUE)).isTrue();
    assertThat(x.take(A, 2, 1_000, Kind.RECENT, Long.MAX_VALUE)).as("forward frees").isTrue();
    assertThat(x.take(A, 3, 1, Kind.RECENT, Long.MAX_VALUE)).isFalse();
    assertThat(x.release(T0)).isEmpty();
    assertThat(x.release(T0 + 23 * H)).isEmpty();
    assertThat(x.release(T0 + 24 * H)).containsExactly(A);
    AuthorQuota y = new AuthorQuota(1_000);
    assertThat(y.take(A, 1, 1_000, Kind.RECENT, T0)).isTrue();
    assertThat(y.take(A, 2, 1_000, Kind.RECENT, Long.MIN_VALUE)).isFalse(); // far back: held
    assertThat(y.release(Long.MIN_VALUE + 23 * H)).isEmpty();
    assertThat(y.release(Long.MIN_VALUE + 24 * H)).containsExactly(A);
  }

  @Test
  void anAuthorSilentForADayIsForgotten() {
    AuthorQuota q = new AuthorQuota(1_000);
    for (int i = 0; i < 100; i++) {
      PeerId o = PeerId.of(new byte[] {(byte) i, 9});
      assertThat(q.take(line(o, 1, "hi", T0), T0)).isTrue();
    }
    q.sweep(T0 + H);
    assertThat(q.authorsKept()).isEqualTo(100);
    q.sweep(T0 + 24 * H);
    assertThat(q.authorsKept()).isZero();
  }

  @Test
  void theCostIsTheUtf8OfTextAndNickPlusTheRow() {
    String text = "héllo 😀 ✓";
    ChatMessage m =
        new ChatMessage(new MessageId(A, 1), 1, T0, "ñick", text, List.of(), new byte[0]);
    assertThat(AuthorQuota.cost(m))
        .isEqualTo(
            AuthorQuota.ROW_BYTES
                + text.getBytes(StandardCharsets.UTF_8).length
                + "ñick".getBytes(StandardCharsets.UTF_8).length);
  }
}
