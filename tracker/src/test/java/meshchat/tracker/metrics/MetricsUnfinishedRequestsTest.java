package meshchat.tracker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerMetrics;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.Test;

/**
 * /metrics is not stopped by connections that send the start of a request and nothing more (rev28
 * F4: the Prometheus client's HTTPServer, on the JDK's httpserver with 10 worker threads and no
 * time limit on reading a request, answered no scrape while 10 such connections were open), and
 * such a connection is closed once its time to send a request is up.
 */
class MetricsUnfinishedRequestsTest {
  @Test
  void tenUnfinishedRequestsDoNotStopTheNextScrape() throws Exception {
    try (TrackerServer tracker = TrackerServer.start(TrackerConfig.localTest());
        MetricsServer metrics =
            MetricsServer.start(
                InetSocketAddress.createUnresolved("127.0.0.1", 0), new TrackerMetrics(tracker))) {
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          Socket s = new Socket("127.0.0.1", metrics.port());
          slow.add(s);
          OutputStream out = s.getOutputStream();
          out.write(
              "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        String status;
        try (Socket scrape = new Socket("127.0.0.1", metrics.port())) {
          scrape.setSoTimeout(10_000);
          scrape
              .getOutputStream()
              .write(
                  "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          InputStream in = scrape.getInputStream();
          byte[] head = new byte[12];
          int n;
          try {
            n = in.readNBytes(head, 0, head.length);
            status = new String(head, 0, n, StandardCharsets.US_ASCII);
          } catch (SocketTimeoutException e) {
            status = "no answer within 10 s";
          }
        }
        assertThat(status)
            .as("a scrape while 12 requests are unfinished")
            .startsWith("HTTP/1.1 200");
        for (Socket s : slow) {
          s.setSoTimeout((int) MetricsServer.REQUEST_TIMEOUT.plusSeconds(5).toMillis());
          int read;
          try {
            read = s.getInputStream().read();
          } catch (SocketTimeoutException e) {
            read = -2;
          } catch (java.io.IOException reset) {
            read = -1;
          }
          assertThat(read).as("an unfinished request after its time is up: closed").isEqualTo(-1);
        }
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }
}
