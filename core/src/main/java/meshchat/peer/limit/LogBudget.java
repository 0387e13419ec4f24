package meshchat.peer.limit;

/**
 * How many lines of one kind (a failed TLS handshake, a link closed for bad input, a refused
 * tracker session) may be logged: {@link #LINES_PER_WINDOW} a minute, and the lines left out are
 * reported once, with the next line of that kind after the minute. A stranger that connects again
 * and again caused one line per connection, so it could grow a log file without bound; the counters
 * still count every case. Time comes with each call (a loop's ticker, a test's clock), so nothing
 * here reads a clock. Shared by the I/O threads of one peer or tracker, hence synchronized.
 */
public final class LogBudget {
  /** Lines of one kind logged per window at most. */
  public static final int LINES_PER_WINDOW = 10;

  /** The window: one minute. */
  public static final long WINDOW_NANOS = 60_000_000_000L;

  /** What {@link #admit} answers for a line to leave out. */
  public static final long LEAVE_OUT = -1;

  private boolean started;
  private long windowStart;
  private int logged;
  private long leftOut;

  /**
   * Whether to log one more line at {@code nowNanos}: {@link #LEAVE_OUT}, or the number of lines
   * left out in the window that just ended (0 if none), which the caller says in a line of its own
   * before this one.
   */
  public synchronized long admit(long nowNanos) {
    long ended = 0;
    if (!started || nowNanos - windowStart >= WINDOW_NANOS || nowNanos - windowStart < 0) {
      ended = leftOut;
      started = true;
      windowStart = nowNanos;
      logged = 0;
      leftOut = 0;
    }
    if (logged >= LINES_PER_WINDOW) {
      leftOut++;
      return LEAVE_OUT;
    }
    logged++;
    return ended;
  }
}
