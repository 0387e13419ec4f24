package meshchat.peer.room;

/**
 * When this peer signs its own chain head: the decision the runtime's pacer acts on, without a
 * clock or a timer of its own (docs/protocol.md, "Hash chain"; the reasons are the runtime's {@code
 * HeadPacer}). Times are nanoseconds of one monotonic clock whose origin may be anything: only
 * differences are compared, so a clock that wraps past {@link Long#MAX_VALUE} keeps its order for
 * spans under 2^63 ns (292 years).
 *
 * <p>A burst published when no own send is queued is signed at once, unless the last head is less
 * than the spacing old: then it is due at the spacing's mark, and a burst published within a ride
 * before that mark takes it with it. While own sends are queued ({@code behind}), the head waits at
 * most the hold after the first burst it will cover. Room thread only.
 */
public final class HeadSchedule {
  private final long spacingNanos;
  private final long holdNanos;
  private final long rideNanos;
  private boolean holding; // a published burst waits for its head
  private long holdingSince; // the time of the first burst held, while holding
  private boolean signedOnce; // a head was signed: lastSigned is a time
  private long lastSigned;

  /**
   * @param spacingNanos the least time between two heads
   * @param holdNanos the longest a head waits for more bursts while own sends are queued
   * @param rideNanos how near the spacing's mark a burst still takes the head with it
   */
  public HeadSchedule(long spacingNanos, long holdNanos, long rideNanos) {
    if (spacingNanos < 0 || holdNanos < 0 || rideNanos < 0 || rideNanos > spacingNanos) {
      throw new IllegalArgumentException(
          "spacing, hold and ride must be >= 0, ride <= spacing: "
              + spacingNanos
              + ", "
              + holdNanos
              + ", "
              + rideNanos);
    }
    this.spacingNanos = spacingNanos;
    this.holdNanos = holdNanos;
    this.rideNanos = rideNanos;
  }

  /**
   * A burst whose head is pending was published at {@code now}; {@code behind}: more own bursts are
   * coming. Returns the time the head is due: at or before {@code now} means sign it now, a later
   * time means sign it then (a timer) unless a later burst takes it first.
   */
  public long published(long now, boolean behind) {
    if (!holding) {
      holding = true;
      holdingSince = now;
    }
    long due = behind ? holdingSince + holdNanos : now;
    if (!signedOnce) {
      return due;
    }
    long mark = lastSigned + spacingNanos;
    if (due - now <= 0 && now - (mark - rideNanos) >= 0) {
      return now;
    }
    long timer = mark + rideNanos; // past the mark: a burst near it could still have taken it
    return due - timer >= 0 ? due : timer; // later than now: due is, or now is before the mark
  }

  /** The head was signed at {@code now} (covering every burst held). */
  public void signed(long now) {
    holding = false;
    signedOnce = true;
    lastSigned = now;
  }

  /** Nothing is held any more without a head signed (the node stopped; nothing was pending). */
  public void dropped() {
    holding = false;
  }
}
