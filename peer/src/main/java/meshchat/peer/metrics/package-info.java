/**
 * A peer's {@code /metrics}: {@link meshchat.peer.metrics.PeerMetrics} reads what the peer counts
 * anyway, and its room state in one hop to the room thread, at scrape time.
 */
package meshchat.peer.metrics;
