package meshchat.tracker.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import meshchat.peer.limit.Counts;
import meshchat.peer.limit.LogBudget;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame.BodyCase;
import meshchat.tracker.directory.RegisterOutcome.Refusal;
import meshchat.tracker.metrics.LatencyHistogram;

/**
 * How often the tracker answered each error, refusals by limit included (ROOM_FULL, SESSION_LIMIT,
 * ADDRESS_LIMIT, FRAME_TOO_LARGE, ...), how many requests of each type it answered and how long
 * they took. Bumped from I/O threads (the handshake) and the directory thread ({@link Counts});
 * logged when the tracker shuts down and read by {@code /metrics}.
 */
public final class TrackerCounters {
  private final Counts<Code> errors = new Counts<>(Code.class);
  private final Counts<Refusal> refusals = new Counts<>(Refusal.class);
  private final Counts<Throttle> throttles = new Counts<>(Throttle.class);
  private final Counts<BodyCase> requests = new Counts<>(BodyCase.class);
  private final Counts<BodyCase> notSent = new Counts<>(BodyCase.class);
  private final LogBudget notSentLog = new LogBudget();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final Map<Code, LogBudget> logBudgets = new ConcurrentHashMap<>();

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
    BUFFERED_BYTES,
    /** More registrations per second on one session than allowed. */
    REGISTER_RATE
  }

  /**
   * The log lines about sessions refused or closed with {@code code} ({@code CODE_UNSPECIFIED}:
   * closed by the client, a reset or a cut): every session is counted, but a stranger that connects
   * again and again gets ten lines a minute of each kind into the log, not one each.
   */
  LogBudget logBudget(Code code) {
    return logBudgets.computeIfAbsent(code, c -> new LogBudget());
  }

  void refused(Refusal r) {
    refusals.increment(r);
  }

  void throttled(Throttle t) {
    throttles.increment(t);
  }

  /** Registrations refused for {@code r}, by the directory's reason (finer than the wire code). */
  public long refusals(Refusal r) {
    return refusals.get(r);
  }

  public long throttles(Throttle t) {
    return throttles.get(t);
  }

  /** Registrations refused, by every reason, zeros included (for {@code /metrics}). */
  public Map<String, Long> refusalsByName() {
    return refusals.byName();
  }

  /** Sessions closed, by every throttle, zeros included (for {@code /metrics}). */
  public Map<String, Long> throttlesByName() {
    return throttles.byName();
  }

  /** One request answered in {@code nanos}, from frame in to answer queued. */
  void request(BodyCase type, long nanos) {
    requests.increment(type);
    latency.record(nanos);
  }

  /** Requests answered, by frame type (only the types seen at least once). */
  public Map<BodyCase, Long> requests() {
    return requests.nonZero();
  }

  public LatencyHistogram latency() {
    return latency;
  }

  /**
   * One frame of ours of type {@code type} not sent because it was over the bound on what we send
   * ({@link OversizeFrames}); the log lines about them, ten a minute at most.
   */
  LogBudget frameNotSent(BodyCase type) {
    notSent.increment(type);
    return notSentLog;
  }

  /**
   * Frames of ours dropped for their size, by frame type (only the types dropped at least once):
   * none, unless an answer was built over the bound (a bug).
   */
  public Map<BodyCase, Long> framesNotSent() {
    return notSent.nonZero();
  }

  /** Errors answered, by code (only the codes answered at least once). */
  public Map<Code, Long> errors() {
    return errors.nonZero();
  }

  void error(Code code) {
    if (code != Code.UNRECOGNIZED) {
      errors.increment(code);
    }
  }

  public long errors(Code code) {
    return errors.get(code);
  }

  /** One line of the error, refusal and throttle counts that are not zero, or "none". */
  @Override
  public String toString() {
    StringBuilder b = errors.appendTo(new StringBuilder(), "");
    refusals.appendTo(b, "refused_");
    throttles.appendTo(b, "closed_");
    notSent.appendTo(b, "not_sent_");
    return b.length() == 0 ? "none" : b.toString();
  }
}
