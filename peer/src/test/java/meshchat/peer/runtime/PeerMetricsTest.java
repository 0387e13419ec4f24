package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.metrics.PeerMetrics;
import meshchat.tracker.TrackerMetrics;
import meshchat.tracker.metrics.MetricsServer;
import meshchat.tracker.metrics.Scrape;
import org.junit.jupiter.api.Test;

/** Two real peers and a tracker on loopback, each scraped over HTTP like Prometheus would. */
class PeerMetricsTest {
  private static final InetSocketAddress ANY = InetSocketAddress.createUnresolved("127.0.0.1", 0);

  @Test
  void aScrapeOfARunningPeerShowsLinksTrafficSyncStoreAndJvm() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42).startTracker()) {
      mesh.startAll(2);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> mesh.node(0).linkCount() == 1 && mesh.node(1).linkCount() == 1);
      mesh.node(0).send("one").join();
      mesh.node(0).send("two").join();
      await().atMost(Duration.ofSeconds(30)).until(() -> mesh.seen(1).deliveries.size() == 2);
      String a = mesh.id(0).shortHex();
      try (MetricsServer reader = MetricsServer.start(ANY, new PeerMetrics(mesh.node(1)));
          MetricsServer writer = MetricsServer.start(ANY, new PeerMetrics(mesh.node(0)));
          MetricsServer tracker = MetricsServer.start(ANY, new TrackerMetrics(mesh.tracker()))) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Map<String, Double> m = Scrape.get(reader.port());
                  assertThat(m)
                      .containsEntry("meshchat_peer_links", 1.0)
                      .containsEntry("meshchat_peer_messages_authored_total", 0.0)
                      .containsEntry("meshchat_peer_messages_delivered_total", 2.0)
                      .containsEntry("meshchat_peer_stored_messages", 2.0)
                      .containsEntry("meshchat_peer_held_back_messages", 0.0)
                      .containsEntry("meshchat_peer_tracker_frames_not_sent_total", 0.0)
                      .containsEntry("meshchat_peer_lag_messages{peer=\"" + a + "\"}", 0.0)
                      .containsEntry("meshchat_peer_refusals_total{reason=\"bad_signature\"}", 0.0)
                      .containsKey("meshchat_peer_catchup_messages{peer=\"" + a + "\"}")
                      .containsKey("meshchat_peer_link_rtt_seconds{peer=\"" + a + "\"}")
                      .containsKey("meshchat_peer_commit_duration_seconds_sum");
                  assertThat(m.get("meshchat_peer_messages_received_total"))
                      .isGreaterThanOrEqualTo(2);
                  assertThat(m.get("meshchat_peer_received_bytes_total")).isPositive();
                  // the real TLS link as built takes live chats past its pipeline
                  assertThat(m.get("meshchat_peer_links_live_path_total"))
                      .isGreaterThanOrEqualTo(1);
                  assertThat(m.get("meshchat_peer_sent_bytes_total")).isPositive();
                  assertThat(m.get("meshchat_peer_commit_duration_seconds_count"))
                      .isGreaterThanOrEqualTo(1);
                  assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
                });
        Map<String, Double> w = Scrape.get(writer.port());
        assertThat(w).containsEntry("meshchat_peer_messages_authored_total", 2.0);
        assertThat(w.get("meshchat_peer_links_live_path_total")).isGreaterThanOrEqualTo(1);
        Map<String, Double> t = Scrape.get(tracker.port());
        assertThat(t)
            .containsEntry("meshchat_tracker_rooms", 1.0)
            .containsEntry("meshchat_tracker_members", 2.0)
            .containsEntry("meshchat_tracker_sessions", 2.0);
        assertThat(t.get("meshchat_tracker_requests_total{type=\"register\"}"))
            .isGreaterThanOrEqualTo(2);
      }
    }
  }
}
