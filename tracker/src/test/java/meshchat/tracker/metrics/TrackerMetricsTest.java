package meshchat.tracker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.ChildJvm;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerMain;
import meshchat.tracker.TrackerMetrics;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.junit.jupiter.api.Test;

class TrackerMetricsTest {
  private static final TrackerListener QUIET = new TrackerListener() {};

  @Test
  void aScrapeShowsRoomsMembersSessionsRequestsRefusalsAndLatency() throws Exception {
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (TrackerServer tracker =
            TrackerServer.start(TrackerConfig.localTest().with(d -> d.requireKeyProof = false));
        MetricsServer metrics =
            MetricsServer.start(
                InetSocketAddress.createUnresolved("127.0.0.1", 0), new TrackerMetrics(tracker));
        TrackerClient a = TrackerClient.connect(tracker.localAddress(), io, QUIET).join();
        TrackerClient b = TrackerClient.connect(tracker.localAddress(), io, QUIET).join()) {
      a.register("general", bytes("alice"), "alice", "10.0.0.1", 7001).join();
      b.register("general", bytes("bob"), "bob", "10.0.0.2", 7002).join();
      b.register("other", bytes("bob"), "bob", "10.0.0.2", 7002).join();
      assertThatThrownBy(() -> a.register("", bytes("alice"), "alice", "10.0.0.1", 7001).join())
          .hasMessageContaining("room");

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Map<String, Double> m = Scrape.get(metrics.port());
                assertThat(m)
                    .containsEntry("meshchat_tracker_rooms", 2.0)
                    .containsEntry("meshchat_tracker_members", 3.0)
                    .containsEntry("meshchat_tracker_sessions", 2.0)
                    .containsEntry("meshchat_tracker_requests_total{type=\"register\"}", 4.0)
                    .containsEntry(
                        "meshchat_tracker_refusals_total{reason=\"invalid_argument\"}", 1.0)
                    .containsKey("meshchat_tracker_request_duration_seconds_sum")
                    .containsKey("meshchat_tracker_sessions_closed_total{reason=\"lookup_rate\"}");
                // every request is timed: the four registers, and the heartbeats a slow box lets
                // the clients send before the scrape
                double requests =
                    m.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("meshchat_tracker_requests_total{"))
                        .mapToDouble(Map.Entry::getValue)
                        .sum();
                assertThat(requests).isGreaterThanOrEqualTo(4.0);
                assertThat(m)
                    .containsEntry("meshchat_tracker_request_duration_seconds_count", requests)
                    .containsEntry(
                        "meshchat_tracker_request_duration_seconds_bucket{le=\"+Inf\"}", requests);
                assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
              });
    } finally {
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void theMetricsAddressDefaultsToLoopbackAndRefusesNonsense() {
    InetSocketAddress a = MetricsAddress.parse("9464");
    assertThat(a.getHostString()).isEqualTo("127.0.0.1");
    assertThat(a.getPort()).isEqualTo(9464);
    assertThat(MetricsAddress.parse("0.0.0.0:9100").getHostString()).isEqualTo("0.0.0.0");
    assertThat(MetricsAddress.parse("[::1]:9100").getHostString()).isEqualTo("::1");
    for (String bad : List.of("", "host:", "host:x", "::1:9100", "h:-1", "h:65536", "a b:1")) {
      assertThatThrownBy(() -> MetricsAddress.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theTrackerCommandServesMetricsOnlyWhenAsked() throws Exception {
    Process p =
        ChildJvm.java(
                TrackerMain.class,
                "tracker",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--metrics",
                "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      List<String> lines = new ChildJvm(p).out;
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() >= 2);
      assertThat(lines.get(1)).matches("metrics on http://127\\.0\\.0\\.1:\\d+/metrics");
      int port = Integer.parseInt(lines.get(1).replaceAll(".*:(\\d+)/metrics", "$1"));
      Map<String, Double> m = Scrape.get(port);
      assertThat(m).containsEntry("meshchat_tracker_rooms", 0.0);
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_threads_current"));
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
