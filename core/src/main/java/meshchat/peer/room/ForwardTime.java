package meshchat.peer.room;

/**
 * A time that moves on only by the clock's forward steps: it starts at the clock's first reading,
 * then adds what the clock moved forward since its last reading and stands still while the clock
 * goes back. So it never goes back (a clock set back frees nothing that is counted by it), and
 * after a clock set far forward and back again it moves on with real time from where the jump left
 * it: windows keep rolling and holds end. A step counts at most {@link Long#MAX_VALUE}, and the
 * time saturates there (a clock read from {@link Long#MIN_VALUE} to {@link Long#MAX_VALUE} moves it
 * by 2^63 - 1, not to its top, so it still rolls; only a clock that runs past year 292 million
 * twice pins it).
 *
 * <p>The one time of {@link AuthorQuota} and {@link NewAuthors}. Not thread-safe; no clock of its
 * own (the caller passes each reading).
 */
final class ForwardTime {
  private boolean started;
  private long timeMs;
  private long lastClockMs; // the clock's last reading

  /** This time at clock reading {@code clockMs}, which it takes as the clock's latest. */
  long at(long clockMs) {
    if (!started) {
      started = true;
      timeMs = clockMs;
    } else if (clockMs > lastClockMs) {
      long step = clockMs - lastClockMs; // < 0: a step of 2^63 or more, which counts as 2^63 - 1
      timeMs = AuthorQuota.saturatedAdd(timeMs, step < 0 ? Long.MAX_VALUE : step);
    }
    lastClockMs = clockMs;
    return timeMs;
  }
}
