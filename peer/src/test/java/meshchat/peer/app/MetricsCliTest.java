package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.metrics.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code chat --metrics} as a real process: it says where it serves, and serves there. */
class MetricsCliTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void chatServesMetricsWhereItSaysAndABadAddressIsOneLine() throws Exception {
    Chat a = procs.chat("ann", "--metrics", "127.0.0.1:0");
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
    a.kill();
    Chat bad = procs.chat("bob", "--metrics", "localhost:http");
    assertThat(bad.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bad.process.exitValue()).isEqualTo(2);
  }
}
