package meshchat.peer.clock;

/**
 * How far peers may move our Lamport clock: a token bucket of "jump" (how far a remote time is
 * ahead of the local clock), in the spirit of hybrid logical clocks (Kulkarni et al. 2014), which
 * refuse a remote time too far ahead of local physical time. Here the bound is on the rate the
 * clock is pushed, measured on the local monotonic clock: at most {@link #BURST} at once and {@link
 * #RATE_PER_SECOND} sustained. Ordinary receives (a time at or below ours) cost nothing.
 *
 * <p>Why these numbers (docs/ordering.md, "Bounded clocks"): an honest room moves a clock by about
 * one per message copy received, far below 2^20 a second, and after a partition of any length the
 * two sides differ by the events of the other side, which stay below 2^32 for billions of messages.
 * An attacker can push the clock by at most 2^32 + 2^20 × seconds: 2^62 (the wire bound) is then
 * over 130,000 years away. A message refused here is not stored; anti-entropy asks for it again,
 * and it is taken once the bucket has refilled.
 */
public final class ClockBound {
  /** The largest jump taken at once, and the bucket's size. */
  public static final long BURST = 1L << 32;

  /** Jump refilled per second of local monotonic time. */
  public static final long RATE_PER_SECOND = 1L << 20;

  private final long burst;
  private final long ratePerSecond;
  private long allowance;
  private long refilledAt;

  public ClockBound(long nowMillis) {
    this(BURST, RATE_PER_SECOND, nowMillis);
  }

  public ClockBound(long burst, long ratePerSecond, long nowMillis) {
    this.burst = burst;
    this.ratePerSecond = ratePerSecond;
    this.allowance = burst;
    this.refilledAt = nowMillis;
  }

  /**
   * Whether a remote time {@code remote} may move a clock at {@code local}; if so, its jump is
   * spent.
   */
  public boolean admit(long local, long remote, long nowMillis) {
    long jump = remote - local; // both within 0..2^62: no overflow
    if (jump <= 0) {
      return true;
    }
    refill(nowMillis);
    if (jump > allowance) {
      return false;
    }
    allowance -= jump;
    return true;
  }

  /**
   * The highest time at or below {@code remote} the clock may move to from {@code local}, with its
   * jump spent: for a Hello's clock, a hint that can be taken in part.
   */
  public long clamp(long local, long remote, long nowMillis) {
    if (remote <= local) {
      return remote;
    }
    refill(nowMillis);
    long jump = Math.min(remote - local, allowance);
    allowance -= jump;
    return local + jump;
  }

  /** What can be jumped now. */
  public long allowance(long nowMillis) {
    refill(nowMillis);
    return allowance;
  }

  private void refill(long nowMillis) {
    long elapsed = nowMillis - refilledAt;
    if (elapsed <= 0) {
      return; // a clock that went backward refills nothing
    }
    refilledAt = nowMillis;
    // cap first so the product cannot overflow: more than a full bucket's time refills it all
    long fullAfterMs = burst / Math.max(1, ratePerSecond) * 1000 + 1000;
    long refill = Math.min(elapsed, fullAfterMs) * ratePerSecond / 1000;
    allowance = Math.min(burst, allowance + refill);
  }
}
