package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.CliProcessTest.Chat;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.metrics.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chat --metrics} as a real process: it says where it serves, and serves there. */
class MetricsCliTest {
  @TempDir Path tmp;

  @Test
  void chatServesMetricsWhereItSaysAndABadAddressIsOneLine() throws Exception {
    try (TrackerServer tracker = TrackerServer.start(TrackerConfig.localTest())) {
      int port = tracker.localAddress().getPort();
      Chat a = Chat.start(tmp, "ann", port, "--metrics", "127.0.0.1:0");
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> a.count("metrics on http://127.0.0.1:") == 1);
        String line = a.out.stream().filter(l -> l.contains("metrics on")).findFirst().get();
        int metricsPort = Integer.parseInt(line.replaceAll(".*:(\\d+)/metrics.*", "$1"));
        a.in.println("hello");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Map<String, Double> m = Scrape.get(metricsPort);
                  assertThat(m)
                      .containsEntry("meshchat_peer_messages_authored_total", 1.0)
                      .containsEntry("meshchat_peer_links", 0.0);
                });
      } finally {
        a.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Chat bad = Chat.start(tmp, "bob", port, "--metrics", "localhost:http");
      try {
        assertThat(bad.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.process.exitValue()).isEqualTo(2);
      } finally {
        bad.process.destroyForcibly();
      }
    }
  }
}
