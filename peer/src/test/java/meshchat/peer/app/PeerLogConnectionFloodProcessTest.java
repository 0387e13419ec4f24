package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import meshchat.tracker.metrics.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stranger's garbage does not grow a real chat's peer.log by a line per connection (rev28 F8:
 * every connection that failed TLS wrote one INFO line, ~105 bytes, and the file had no bound: a
 * single-threaded client on loopback grew it by 350 KB/s). Lines of one kind are logged ten times a
 * minute, and counted every time.
 */
class PeerLogConnectionFloodProcessTest {
  @RegisterExtension final ChatProcesses processes = new ChatProcesses();

  private static final int CONNECTIONS = 3_000;

  @Test
  void aStrangersGarbageDoesNotGrowPeerLogWithoutBound() throws Exception {
    Chat ann =
        processes.start(
            ChatProcesses.java(
                "chat",
                "--nick",
                "ann",
                "--no-tracker",
                "--json",
                "--metrics",
                "127.0.0.1:0",
                "--data",
                processes.dir().resolve("ann").toString()),
            processes.dir().resolve("ann.err"));
    await().atMost(ChatProcesses.WAIT).until(ann::ready);
    await().atMost(ChatProcesses.WAIT).until(() -> ann.count("metrics on http://127.0.0.1:") == 1);
    String line = ann.out.stream().filter(l -> l.contains("metrics on")).findFirst().get();
    int metricsPort = Integer.parseInt(line.replaceAll(".*:(\\d+)/metrics.*", "$1"));
    Path log = processes.dir().resolve("ann").resolve("peer.log");
    long before = Files.exists(log) ? Files.size(log) : 0;
    long start = System.nanoTime();
    byte[] garbage = new byte[6]; // not a TLS record
    long sent = 0;
    for (int i = 0; i < CONNECTIONS; i++) {
      try (Socket s = new Socket("127.0.0.1", ann.port())) {
        OutputStream out = s.getOutputStream();
        out.write(garbage);
        out.flush();
        sent += garbage.length;
        s.setSoTimeout(5_000);
        s.getInputStream().read(); // until the peer closes it
      } catch (IOException closed) {
        // reset by the peer: fine
      }
    }
    // every connection counted (the log's lines come before the count of each): past the accept
    // budget (AcceptBudget) a connection is closed before TLS, the rest fail TLS
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var m = Scrape.get(metricsPort);
              return m.getOrDefault("meshchat_peer_refusals_total{reason=\"tls_failed\"}", 0.0)
                      + m.getOrDefault(
                          "meshchat_peer_refusals_total{reason=\"handshake_rate_refused\"}", 0.0)
                  >= CONNECTIONS;
            });
    long grown = Files.size(log) - before;
    List<String> tlsLines =
        Files.readAllLines(log).stream().filter(l -> l.contains("TLS failed")).toList();
    System.out.printf(
        "sent %d bytes of garbage in %d connections; peer.log grew %d bytes%n",
        sent, CONNECTIONS, grown);
    assertThat(grown)
        .as(
            "peer.log growth after %d connections of a stranger, %d bytes of non-TLS garbage in all",
            CONNECTIONS, sent)
        .isLessThan(64L * 1024);
    // ten a minute, and a minute may have begun during the test
    long minutes = 1 + (System.nanoTime() - start) / 60_000_000_000L;
    assertThat(tlsLines)
        .as("TLS failures logged (all counted)")
        .hasSizeBetween(1, (int) (10 * (minutes + 1)));
  }
}
