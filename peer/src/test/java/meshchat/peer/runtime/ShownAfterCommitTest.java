package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.limit.Counters;
import meshchat.peer.room.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/storage.md, "The guarantee": a line on the screen is in the file a restart reads, received
 * lines included. rev27 found a received line handed to the display before the burst's commit: at
 * that moment another connection to {@code history.db} (what a restart after {@code kill -9} reads)
 * did not find it. Three real peers over loopback; the listener asks the file at the moment it is
 * handed each line.
 */
class ShownAfterCommitTest {
  @TempDir Path dir;

  @Test
  void aReceivedLineIsInTheFileWhenItIsShown() throws Exception {
    List<String> verdicts = new CopyOnWriteArrayList<>();
    Path[] db = new Path[1];
    try (LoopbackCluster mesh =
        LoopbackCluster.relayedTrio(
            27,
            dir,
            new PeerListener() {
              @Override
              public void delivered(Delivery d) {
                if (d.message().text().startsWith("line ")) {
                  verdicts.add(d.message().text() + "=" + inFile(db[0], d));
                }
              }
            })) {
      db[0] = mesh.dataDir(2).resolve("history.db");
      for (int k = 0; k < 20; k++) {
        mesh.node(0).send("line " + k).join();
      }
      mesh.node(1).send("from 1").join(); // and one straight from its author
      await().atMost(Duration.ofSeconds(60)).until(() -> verdicts.size() == 20);
      assertThat(verdicts).allMatch(v -> v.endsWith("=true"));
    }
  }

  /** A display that throws on one line: the lines after it are shown, and frames still go out. */
  @Test
  void aDisplayThatThrowsCostsOnlyItsLine() throws Exception {
    List<String> shownAt1 = new CopyOnWriteArrayList<>();
    List<String> shownAt0 = new CopyOnWriteArrayList<>();
    try (LoopbackCluster mesh =
        new LoopbackCluster(28, dir)
            .observedBy(
                i ->
                    new PeerListener() {
                      @Override
                      public void delivered(Delivery d) {
                        if (i == 1 && d.message().text().equals("boom")) {
                          throw new IllegalStateException("a display's bug");
                        }
                        (i == 1 ? shownAt1 : shownAt0).add(d.message().text());
                      }
                    })
            .startTracker()) {
      mesh.start(0);
      mesh.start(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> mesh.node(0).linkCount() == 1 && mesh.node(1).linkCount() == 1);
      mesh.node(0).send("boom").join();
      mesh.node(0).send("after").join();
      await().atMost(Duration.ofSeconds(30)).until(() -> shownAt1.contains("after"));
      mesh.node(1).send("reply").join();
      await().atMost(Duration.ofSeconds(30)).until(() -> shownAt0.contains("reply"));
      assertThat(mesh.node(1).counters().get(Counters.Counter.INTERNAL_ERROR)).isEqualTo(1);
    }
  }

  private static boolean inFile(Path file, Delivery d) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM messages WHERE origin = ? AND seq = ?")) {
      s.setBytes(1, d.message().origin().toBytes());
      s.setLong(2, d.message().seq());
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getLong(1) == 1;
      }
    } catch (SQLException e) {
      return false;
    }
  }
}
