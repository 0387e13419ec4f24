package meshchat.tracker.pipeline;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame.BodyCase;
import meshchat.tracker.directory.RegisterOutcome.Refusal;
import meshchat.tracker.metrics.LatencyHistogram;

/**
 * How often the tracker answered each error, refusals by limit included (ROOM_FULL, SESSION_LIMIT,
 * ADDRESS_LIMIT, FRAME_TOO_LARGE, ...), how many requests of each type it answered and how long
 * they took. Bumped from I/O threads (the handshake) and the directory thread, hence atomic; logged
 * when the tracker shuts down and read by {@code /metrics}.
 */
public final class TrackerCounters {
  private final AtomicLongArray errors = new AtomicLongArray(Code.values().length);
  private final AtomicLongArray refusals = new AtomicLongArray(Refusal.values().length);
  private final AtomicLongArray throttles = new AtomicLongArray(Throttle.values().length);
  private final AtomicLongArray requests = new AtomicLongArray(BodyCase.values().length);
  private final LatencyHistogram latency = new LatencyHistogram();

  /** Sessions the tracker closed for what they made it hold or do, not for a bad frame. */
  public enum Throttle {
    /** More lookups per second than allowed. */
    LOOKUP_RATE,
    /**
     * More lookups per second from one source address, all its sessions together, than allowed:
     * that Lookup is refused, and the session stays open.
     */
    LOOKUP_RATE_ADDRESS,
    /** More answer bytes queued to one connection than allowed (a slow or non-reading client). */
    BUFFERED_BYTES
  }

  void refused(Refusal r) {
    refusals.incrementAndGet(r.ordinal());
  }

  void throttled(Throttle t) {
    throttles.incrementAndGet(t.ordinal());
  }

  /** Registrations refused for {@code r}, by the directory's reason (finer than the wire code). */
  public long refusals(Refusal r) {
    return refusals.get(r.ordinal());
  }

  public long throttles(Throttle t) {
    return throttles.get(t.ordinal());
  }

  /** One request answered in {@code nanos}, from frame in to answer queued. */
  void request(BodyCase type, long nanos) {
    requests.incrementAndGet(type.ordinal());
    latency.record(nanos);
  }

  /** Requests answered, by frame type (only the types seen at least once). */
  public Map<BodyCase, Long> requests() {
    Map<BodyCase, Long> out = new EnumMap<>(BodyCase.class);
    for (BodyCase c : BodyCase.values()) {
      long n = requests.get(c.ordinal());
      if (n != 0) {
        out.put(c, n);
      }
    }
    return out;
  }

  public LatencyHistogram latency() {
    return latency;
  }

  /** Errors answered, by code (only the codes answered at least once). */
  public Map<Code, Long> errors() {
    Map<Code, Long> out = new EnumMap<>(Code.class);
    for (Code c : Code.values()) {
      long n = errors(c);
      if (n != 0) {
        out.put(c, n);
      }
    }
    return out;
  }

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
            .append(c.name().toLowerCase(Locale.ROOT))
            .append('=')
            .append(n);
      }
    }
    for (Refusal r : Refusal.values()) {
      append(b, "refused_" + r.name(), refusals(r));
    }
    for (Throttle t : Throttle.values()) {
      append(b, "closed_" + t.name(), throttles(t));
    }
    return b.length() == 0 ? "none" : b.toString();
  }

  private static void append(StringBuilder b, String name, long n) {
    if (n != 0) {
      b.append(b.length() == 0 ? "" : " ")
          .append(name.toLowerCase(Locale.ROOT))
          .append('=')
          .append(n);
    }
  }
}
