package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.metrics.PeerMetrics;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.metrics.MetricsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev29 F9: every scrape of a peer's {@code --metrics} endpoint runs {@code store.count()} on the
 * room thread ({@code PeerNode.gauges}): {@code SELECT COUNT(*)} over the room's messages, a scan
 * that grows with the history (about 100 ms for a million messages here). Scrapes run one at a time
 * but back to back at whatever rate anyone who reaches the port asks (rev28 F4 made the endpoint
 * safe against strangers' connections, not against its cost to the room): a loop of GETs keeps the
 * room thread, and every link and line it serves, busy. Here a peer holding a million messages is
 * scraped back to back for 3 s and its room thread's CPU is read: about 30 ms a scrape here (for
 * the room's gauges alone: its links, the hold-back count, the address book), 7 ms with 300,000
 * messages.
 */
class MetricsScrapeRoomThreadTest {
  private static final InetSocketAddress ANY = InetSocketAddress.createUnresolved("127.0.0.1", 0);

  @TempDir Path data;

  @Test
  void scrapesBackToBackCostTheRoomThreadLittleWhateverTheHistorysSize() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29, data)) {
      Path dir = Files.createDirectories(mesh.dataDir(0));
      try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
        List<ChatMessage> batch = new ArrayList<>();
        for (int i = 1; i <= 1_000_000; i++) {
          batch.add(
              new ChatMessage(
                  new MessageId(PeerId.fromHex("a11ce00" + (i % 7)), i),
                  i,
                  1_700_000_000_000L,
                  "alice",
                  "a line of history " + i,
                  List.of()));
          if (batch.size() == 5_000) {
            s.appendAll(batch);
            s.commit();
            batch.clear();
          }
        }
      }
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      try (MetricsServer metrics = MetricsServer.start(ANY, new PeerMetrics(n0))) {
        scrape(metrics.port()); // warm
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Set<Long> room = RoomThreadCpu.threads(mx);
        long cpu0 = RoomThreadCpu.cpu(mx, room);
        long wall0 = System.nanoTime();
        int scrapes = 0;
        while (System.nanoTime() - wall0 < 3_000_000_000L) {
          scrape(metrics.port());
          scrapes++;
        }
        long wall = System.nanoTime() - wall0;
        long cpu = RoomThreadCpu.cpu(mx, room) - cpu0;
        System.out.printf(
            "%d scrapes in %.1f s; room thread CPU %.0f ms (%.1f%%)%n",
            scrapes, wall / 1e9, cpu / 1e6, 100.0 * cpu / wall);
        assertThat((double) cpu / wall)
            .as(
                "share of the time the room thread spent while %d scrapes ran back to back",
                scrapes)
            .isLessThan(0.25);
      }
    }
  }

  private static void scrape(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      in.readAllBytes(); // the server closes after one answer
    }
  }
}
