package meshchat.peer.link.netty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line for a frame of ours not sent because it is over the link's frame limit (counted
 * {@code frame_not_sent}): the first at once, then at most one a minute for all links together,
 * saying how many more were dropped meanwhile. A frame over the limit is a bug of ours or a peer's
 * bound smaller than ours, and may come once per link per digest round: a line each would flood the
 * log.
 */
final class FramesNotSentLog {
  private static final Logger log = LoggerFactory.getLogger(FramesNotSentLog.class);

  /** The least time between two lines. */
  static final long EVERY_NANOS = 60_000_000_000L;

  private boolean logged;
  private long lastNanos;
  private long since; // dropped since the last line, not logged

  /** Shared by every link of the process. */
  static final FramesNotSentLog SHARED = new FramesNotSentLog();

  /**
   * A frame of {@code type} ({@code bytes} long) to {@code peer} was dropped at {@code nowNanos}:
   * logs one line unless one was logged less than a minute ago; true if it logged.
   */
  synchronized boolean dropped(String type, int bytes, int limit, String peer, long nowNanos) {
    if (logged && nowNanos - lastNanos < EVERY_NANOS) {
      since++;
      return false;
    }
    String more = since == 0 ? "" : " (and " + since + " more since the last such line)";
    log.warn(
        "a frame ({}) of {} bytes to {} was not sent: over the link's frame limit of {} bytes{}",
        type,
        bytes,
        peer,
        limit,
        more);
    logged = true;
    lastNanos = nowNanos;
    since = 0;
    return true;
  }
}
