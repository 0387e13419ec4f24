package meshchat.peer.clock;

import meshchat.peer.limit.WireBounds;

/**
 * A Lamport logical clock (Lamport 1978, IR1 and IR2). Not thread-safe: one room thread owns it.
 *
 * <ul>
 *   <li>IR1: each local event (a send) advances the clock: {@link #tick()}.
 *   <li>IR2: a receive sets the clock past both the local and the sender's time: {@link
 *       #receive(long)} returns {@code max(local, remote) + 1}. Returning the remote value
 *       unchanged when it is ahead (as atomix's LogicalClock does) would stamp the receive at the
 *       same time as the send.
 * </ul>
 *
 * <p>Remote times are at most {@link WireBounds#MAX_LAMPORT} (2^62), and how far one may move the
 * clock is bounded before it gets here ({@link ClockBound}), so {@code + 1} cannot overflow in the
 * life of a room; an out-of-range remote time is a caller's bug and fails with
 * IllegalArgumentException, never with a wrapped clock.
 */
public final class LamportClock {
  private long time;

  public LamportClock(long start) {
    if (start < 0) {
      throw new IllegalArgumentException("clock cannot start below 0: " + start);
    }
    this.time = start;
  }

  public long time() {
    return time;
  }

  /** Stamps a local event. */
  public long tick() {
    time = Math.addExact(time, 1);
    return time;
  }

  /** Stamps the receipt of an event stamped {@code remote}; the result exceeds both. */
  public long receive(long remote) {
    WireBounds.within("remote lamport", remote, 0, WireBounds.MAX_LAMPORT);
    time = Math.addExact(Math.max(time, remote), 1);
    return time;
  }

  /** Moves the clock to at least {@code seen} without counting an event (a Hello, a restore). */
  public void witness(long seen) {
    time = Math.max(time, seen);
  }
}
