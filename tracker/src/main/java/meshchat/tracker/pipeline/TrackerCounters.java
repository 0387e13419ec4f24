package meshchat.tracker.pipeline;

import java.util.concurrent.atomic.AtomicLongArray;
import meshchat.proto.v1.Error.Code;

/**
 * How often the tracker answered each error, refusals by limit included (ROOM_FULL, SESSION_LIMIT,
 * ADDRESS_LIMIT, FRAME_TOO_LARGE, ...). Bumped from I/O threads (the handshake) and the directory
 * thread, hence atomic; logged when the tracker shuts down.
 */
public final class TrackerCounters {
  private final AtomicLongArray errors = new AtomicLongArray(Code.values().length);

  void error(Code code) {
    if (code != Code.UNRECOGNIZED) {
      errors.incrementAndGet(code.ordinal());
    }
  }

  public long errors(Code code) {
    return code == Code.UNRECOGNIZED ? 0 : errors.get(code.ordinal());
  }

  /** One line of the error counts that are not zero, or "none". */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Code c : Code.values()) {
      long n = errors(c);
      if (n != 0) {
        b.append(b.length() == 0 ? "" : " ")
            .append(c.name().toLowerCase(java.util.Locale.ROOT))
            .append('=')
            .append(n);
      }
    }
    return b.length() == 0 ? "none" : b.toString();
  }
}
