package meshchat.tracker.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.PeerId;
import meshchat.tracker.directory.RoomEvent.LeaveReason;
import org.junit.jupiter.api.Test;

/**
 * A registration lives no longer than its signed statement: a member that heartbeats but never
 * signs afresh is dropped an hour after it signed, and one that registers again on its session with
 * a fresh statement stays, its statement replaced and told to the others.
 */
class StatementExpiryTest {
  private static final Duration TTL = Duration.ofSeconds(15);
  private static final SessionId S1 = new SessionId(1);
  private static final SessionId S2 = new SessionId(2);
  private final MutableClock clock = new MutableClock();
  private final Directory directory = new Directory(clock, new Limits(100, 100, 10, TTL));

  private Member signedAt(String name, long timestampMs) {
    return new Member(
        PeerId.of(name.getBytes(StandardCharsets.UTF_8)),
        name,
        "10.0.0.1",
        7000,
        new Member.Statement(
            new byte[32], new byte[] {(byte) timestampMs}, timestampMs, new byte[32], "", ""));
  }

  /** Heartbeats both sessions through {@code d}, checking expiry as the tracker does. */
  private List<Change> liveFor(Duration d) {
    List<Change> out = new ArrayList<>();
    for (long t = 0; t < d.toMillis(); t += 5_000) {
      clock.advance(Duration.ofMillis(Math.min(5_000, d.toMillis() - t)));
      directory.heartbeat(S1);
      directory.heartbeat(S2);
      out.addAll(directory.expire());
    }
    return out;
  }

  @Test
  void aStatementThatIsNotRenewedEndsTheRegistrationAfterItsLifetime() {
    long now = clock.millis();
    directory.register(S1, "general", signedAt("alice", now), "10.0.0.1");
    directory.register(S2, "general", signedAt("bob", now), "10.0.0.2");
    assertThat(liveFor(Member.STATEMENT_LIFETIME.minusSeconds(5))).isEmpty();

    // bob signs afresh on his session: the same registration, with the new statement
    RegisterOutcome again =
        directory.register(S2, "general", signedAt("bob", clock.millis()), "10.0.0.2");
    assertThat(((RegisterOutcome.Accepted) again).change())
        .as("the others get the fresh statement")
        .isPresent();

    List<Change> gone = liveFor(Duration.ofSeconds(10));
    assertThat(gone).hasSize(1);
    assertThat(gone.get(0).event())
        .isEqualTo(new RoomEvent.Left("general", signedAt("alice", now), S1, LeaveReason.EXPIRED));
    assertThat(directory.lookup("general")).extracting(Member::nick).containsExactly("bob");
  }

  @Test
  void aStatementStampedAtTheEndsOfTimeNeverOverflows() {
    directory.register(S1, "general", signedAt("alice", Long.MIN_VALUE), "10.0.0.1");
    directory.register(S2, "general", signedAt("bob", Long.MAX_VALUE), "10.0.0.2");
    List<Change> gone = directory.expire();
    assertThat(gone).extracting(c -> c.event().member().nick()).containsExactly("alice");
    assertThat(new Member(PeerId.of(new byte[] {1}), "x", "h", 1).statementExpired(0)).isFalse();
  }
}
