package meshchat.tracker;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import meshchat.peer.limit.Counts;
import meshchat.tracker.metrics.Families;
import meshchat.tracker.pipeline.TrackerCounters;

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
    f.counter(
            "meshchat_tracker_requests",
            "Requests answered, by frame type.",
            "type",
            Counts.named(c.requests()))
        .counter(
            "meshchat_tracker_refusals",
            "Errors answered, by code (limits refused, bad frames, idle sessions).",
            "reason",
            Counts.named(c.errors()))
        .counter(
            "meshchat_tracker_registrations_refused",
            "Registrations the directory refused, by its reason (finer than the wire code).",
            "reason",
            c.refusalsByName())
        .counter(
            "meshchat_tracker_sessions_closed",
            "Sessions closed for what they made the tracker hold or do.",
            "reason",
            c.throttlesByName())
        .counter(
            "meshchat_tracker_frames_not_sent",
            "Frames of ours dropped for being over the 64 KiB bound on what the tracker sends, by"
                + " frame type (a bug if ever non-zero).",
            "type",
            Counts.named(c.framesNotSent()))
        .histogram(
            "meshchat_tracker_request_duration_seconds",
            "Time from a request read to its answer queued.",
            c.latency().snapshot());
    return new MetricSnapshots(f.list());
  }

  private TrackerServer.Load load() {
    return Families.await(server.load(), LOAD_WAIT_MS);
  }
}
