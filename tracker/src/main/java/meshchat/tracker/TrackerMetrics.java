package meshchat.tracker;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import meshchat.tracker.directory.RegisterOutcome.Refusal;
import meshchat.tracker.metrics.Families;
import meshchat.tracker.pipeline.TrackerCounters;
import meshchat.tracker.pipeline.TrackerCounters.Throttle;

/**
 * A tracker's metrics, read at scrape time: the counters the tracker keeps anyway (nothing is
 * counted twice) and its load, read on the directory thread that owns it.
 */
public final class TrackerMetrics implements MultiCollector {
  /** How long a scrape waits for the directory thread before leaving the load out. */
  private static final long LOAD_WAIT_MS = 2_000;

  private final TrackerServer server;

  public TrackerMetrics(TrackerServer server) {
    this.server = server;
  }

  @Override
  public MetricSnapshots collect() {
    TrackerCounters c = server.counters();
    Families f = new Families();
    TrackerServer.Load load = load();
    if (load != null) {
      f.gauge("meshchat_tracker_rooms", "Rooms with at least one member.", load.rooms())
          .gauge("meshchat_tracker_members", "Registrations held, over all rooms.", load.members())
          .gauge("meshchat_tracker_sessions", "Open peer sessions.", load.sessions());
    }
    Map<String, Long> requests = new LinkedHashMap<>();
    c.requests().forEach((type, n) -> requests.put(lower(type.name()), n));
    Map<String, Long> refusals = new LinkedHashMap<>();
    c.errors().forEach((code, n) -> refusals.put(lower(code.name()), n));
    f.counter("meshchat_tracker_requests", "Requests answered, by frame type.", "type", requests)
        .counter(
            "meshchat_tracker_refusals",
            "Errors answered, by code (limits refused, bad frames, idle sessions).",
            "reason",
            refusals)
        .counter(
            "meshchat_tracker_registrations_refused",
            "Registrations the directory refused, by its reason (finer than the wire code).",
            "reason",
            byName(Refusal.values(), c::refusals))
        .counter(
            "meshchat_tracker_sessions_closed",
            "Sessions closed for what they made the tracker hold or do.",
            "reason",
            byName(Throttle.values(), c::throttles))
        .histogram(
            "meshchat_tracker_request_duration_seconds",
            "Time from a request read to its answer queued.",
            c.latency().snapshot());
    return new MetricSnapshots(f.list());
  }

  private TrackerServer.Load load() {
    try {
      return server.load().get(LOAD_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null; // a stopped or stuck tracker: serve what is known without blocking forever
    }
  }

  private static <E extends Enum<E>> Map<String, Long> byName(E[] values, ToLongFunction<E> count) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (E e : values) {
      out.put(lower(e.name()), count.applyAsLong(e));
    }
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
