package meshchat.peer.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashMap;
import java.util.Map;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.runtime.LinkInfo;
import meshchat.peer.runtime.NodeGauges;
import meshchat.peer.runtime.PeerNode;
import meshchat.tracker.metrics.Families;

/**
 * A peer's metrics, read at scrape time from what the peer counts anyway ({@link Counters}, the
 * commit histogram) and from its room state, read in one hop to the room thread that owns it, so a
 * scrape never touches room state from the HTTP thread. Per-link series are labelled with the other
 * peer's short id; their number is bounded by the link cap.
 */
public final class PeerMetrics implements MultiCollector {
  /** How long a scrape waits for the room thread before leaving the room gauges out. */
  private static final long ROOM_WAIT_MS = 2_000;

  private final PeerNode node;

  public PeerMetrics(PeerNode node) {
    this.node = node;
  }

  @Override
  public MetricSnapshots collect() {
    Families f = new Families();
    NodeGauges g = gauges();
    if (g != null) {
      room(f, g);
    }
    Counters c = node.counters();
    for (Traffic t : Traffic.values()) {
      f.counter("meshchat_peer_" + t.metric, t.help, c.get(t));
    }
    f.counter(
            "meshchat_peer_refusals",
            "Input refused, throttled or dropped at a bound, by reason.",
            "reason",
            c.limitsByName())
        .counter(
            "meshchat_peer_link_closes",
            "Links that went down, by the reason of the Close we sent, else of the one we got"
                + " (none: neither).",
            "reason",
            c.linkCloses())
        .histogram(
            "meshchat_peer_commit_duration_seconds",
            "Time of each group commit of a burst that stored messages.",
            node.commitLatency().snapshot());
    return new MetricSnapshots(f.list());
  }

  private static void room(Families f, NodeGauges g) {
    Map<String, Long> rtt = new LinkedHashMap<>();
    Map<String, Long> lag = new LinkedHashMap<>();
    Map<String, Long> synced = new LinkedHashMap<>();
    for (LinkInfo l : g.links()) {
      String peer = l.peer().shortHex();
      if (l.rttMillis() >= 0) {
        rtt.put(peer, l.rttMillis());
      }
      lag.put(peer, l.lag());
      synced.put(peer, l.synced());
    }
    Map<String, Double> rttSeconds = new LinkedHashMap<>();
    rtt.forEach((p, ms) -> rttSeconds.put(p, ms / 1000.0));
    f.gauge("meshchat_peer_links", "Links up now.", g.links().size())
        .gauge(
            "meshchat_peer_link_rtt_seconds",
            "Latest Ping/Pong round trip, per link.",
            "peer",
            rttSeconds)
        .gauge(
            "meshchat_peer_lag_messages",
            "Messages a linked peer holds (per its digests) that this peer still lacks.",
            "peer",
            lag)
        .gauge(
            "meshchat_peer_catchup_messages",
            "Messages taken from a link by anti-entropy since it came up (catch-up progress:"
                + " done / (done + lag)).",
            "peer",
            synced)
        .gauge(
            "meshchat_peer_held_back_messages",
            "Messages held back until their causal predecessors arrive.",
            g.heldBack())
        .gauge("meshchat_peer_stored_messages", "Messages in the store.", g.stored())
        .counter(
            "meshchat_peer_tracker_frames_not_sent",
            "Requests to trackers not sent: over the tracker's request bound (each failed and"
                + " logged one line).",
            g.trackerFramesNotSent());
  }

  private NodeGauges gauges() {
    return Families.await(node.gauges(), ROOM_WAIT_MS);
  }
}
