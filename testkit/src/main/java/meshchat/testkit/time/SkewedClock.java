package meshchat.testkit.time;

import java.time.Instant;
import java.time.InstantSource;

/**
 * A peer's wall clock: virtual time plus a fixed epoch plus this peer's skew. Wall time is shown to
 * people and never used for order, so skew must not change any invariant; the simulation checks
 * that by giving peers clocks minutes apart.
 */
public final class SkewedClock implements InstantSource {
  /** 2025-01-01T00:00:00Z: a fixed epoch so reports are identical across runs. */
  public static final long EPOCH_MS = 1_735_689_600_000L;

  private final EventQueue queue;
  private final long skewMs;

  public SkewedClock(EventQueue queue, long skewMs) {
    this.queue = queue;
    this.skewMs = skewMs;
  }

  public long skewMs() {
    return skewMs;
  }

  @Override
  public long millis() {
    return EPOCH_MS + queue.now() + skewMs;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
