package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * {@link AuthorQuota#refund}: a charge of a message a rolled-back write took is given back, never
 * more than its hour holds, never for an hour that has left the window, never below zero.
 */
class AuthorQuotaRefundTest {
  private static final PeerId A = PeerId.of(new byte[] {1});
  private static final long HOUR = AuthorQuota.HOUR_MS;
  private static final AuthorQuota.Kind RECENT = AuthorQuota.Kind.RECENT;

  @Test
  void aRefundGivesBackItsHourAtMostAndNothingOnceTheHourLeftTheWindow() {
    AuthorQuota q = new AuthorQuota(1_000);
    long now = 500 * HOUR;
    long h = AuthorQuota.hourAt(now);
    assertThat(q.take(A, 1, 300, RECENT, now)).isTrue();
    assertThat(q.take(A, 2, 300, RECENT, now + HOUR)).isTrue();
    q.refund(A, RECENT, h, 300, now + HOUR);
    assertThat(q.used(A, RECENT, now + HOUR)).isEqualTo(300);
    q.refund(A, RECENT, h, 300, now + HOUR); // twice: that hour holds nothing more
    q.refund(A, RECENT, h + 1, Long.MAX_VALUE, now + HOUR); // at most what the hour holds
    assertThat(q.used(A, RECENT, now + HOUR)).isZero();
    q.refund(A, RECENT, h, -5, now + HOUR); // a negative cost charges nothing
    assertThat(q.used(A, RECENT, now + HOUR)).isZero();

    assertThat(q.take(A, 3, 400, RECENT, now + HOUR)).isTrue();
    long later = now + 30 * HOUR;
    assertThat(q.take(A, 4, 200, RECENT, later)).isTrue();
    q.refund(A, RECENT, h + 1, 400, later); // out of the window: already gone
    q.refund(A, RECENT, h + 40, 200, later); // an hour not reached yet: nothing
    q.refund(PeerId.of(new byte[] {2}), RECENT, h + 30, 200, later); // no window: nothing
    assertThat(q.used(A, RECENT, later)).isEqualTo(200);
    q.refund(A, RECENT, AuthorQuota.hourAt(later), 200, later);
    assertThat(q.used(A, RECENT, later)).isZero();
  }
}
