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
