package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.room.Delivery;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev28: a burst whose commit fails (a full disk: SQLite's own SQLITE_FULL, made here with {@code
 * PRAGMA max_page_count} on the peer's connection) showed the lines it received although they were
 * rolled back with it, and the user was told nothing: a restart lacked lines the user saw. Then
 * they were not shown and the user was told, but the room still counted them held until a restart.
 * Now (session 29) the room takes them back, and once the disk has room anti-entropy fetches them
 * again in the same session: each is shown once, in order.
 *
 * <p>Three real peers, as in ShownAfterCommitTest: peer 2 hears peer 0 only through peer 1
 * (relayed, head-checked lines, shown after their burst's commit).
 */
class FullDiskReceivedTest {
  @TempDir Path dir;

  @Test
  void linesWhoseCommitFailedAreNotShownAndComeBackInTheSameSessionOnceInOrder() throws Exception {
    Screen screen = new Screen("line ");
    List<ChatMessage> shown = screen.shown;
    List<String> told = screen.told;
    try (LoopbackCluster mesh = warmTrio(28, screen)) {
      Path file = mesh.dataDir(2).resolve("history.db");

      SqliteDatabase db = database(mesh.node(2));
      pageLimit(db, true); // the disk is full: no page more

      String pad = "x".repeat(3_000);
      List<ChatMessage> sent = new ArrayList<>();
      for (int k = 0; k < 10; k++) {
        sent.add(mesh.node(0).send("line " + k + " " + pad).join());
      }
      // a commit may still fit in the file's free pages: what it stores is shown; what it could
      // not store is not, and the user is told
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> mesh.node(2).counters().get(Counter.RECEIVED_NOT_STORED) > 0);
      assertThat(told)
          .anyMatch(l -> l.startsWith("could not store ") && l.contains("received message"));
      // our own disk, not the peer: no link closed or blamed, and the user told once, however
      // many writes and bursts failed
      assertThat(mesh.node(2).counters().get(Counter.STORE_FAILED)).isPositive();
      assertThat(mesh.node(2).counters().get(Counter.INTERNAL_ERROR)).isZero();
      assertThat(mesh.node(2).counters().linkCloses()).doesNotContainKey("protocol_error");
      assertThat(mesh.node(1).counters().linkCloses()).doesNotContainKey("protocol_error");
      assertThat(told.stream().filter(l -> l.startsWith("could not store "))).hasSize(1);
      for (ChatMessage m : shown) {
        assertThat(inFile(file, m)).as("%s shown, so stored", m.id()).isTrue();
      }
      assertThat(shown).hasSizeLessThan(10);

      assertThat(mesh.node(2).counters().get(Counter.RECEIVED_NOT_STORED)).isPositive();

      pageLimit(db, false); // room again: fetched again in this session, no restart
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> shown.size() >= sent.size() && sent.stream().allMatch(m -> inFile(file, m)));
      assertThat(ids(shown)).as("each shown once, in order").isEqualTo(ids(sent));
      assertThat(mesh.node(2).counters().get(Counter.INTERNAL_ERROR)).isZero();
    }
  }

  /**
   * A write inside a burst that fails (here a history batch's insert, with the disk full) closed
   * the link whose frame was being handled, with {@code internal_error}: our own disk blamed on the
   * peer. Now the link stays up, nothing is counted against the peer, and the user is told once.
   */
  @Test
  void aWriteFailingInsideABurstClosesNoLinkAndTheUserIsToldOnce() throws Exception {
    Screen screen = new Screen("batch ");
    List<ChatMessage> shown = screen.shown;
    List<String> told = screen.told;
    try (LoopbackCluster mesh = warmTrio(29, screen)) {
      Path file = mesh.dataDir(2).resolve("history.db");
      mesh.block(1, 2); // peer 2 alone: what peer 0 says now comes to it later, in history batches
      mesh.cut(1, 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> mesh.node(2).linkCount() == 0);
      String pad = "x".repeat(3_000);
      List<ChatMessage> sent = new ArrayList<>();
      for (int k = 0; k < 10; k++) {
        sent.add(mesh.node(0).send("batch " + k + " " + pad).join());
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sent.stream().allMatch(m -> mesh.seen(1).ids().contains(m.id())));
      SqliteDatabase db = database(mesh.node(2));
      pageLimit(db, true);
      mesh.heal();
      await().atMost(Duration.ofSeconds(60)).until(() -> db.rollbacks() > 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> !told.isEmpty());
      assertThat(mesh.node(2).counters().get(Counter.STORE_FAILED)).isPositive();
      assertThat(mesh.node(2).counters().get(Counter.INTERNAL_ERROR)).isZero();
      assertThat(mesh.node(2).counters().linkCloses()).doesNotContainKey("protocol_error");
      assertThat(mesh.node(1).counters().linkCloses()).doesNotContainKey("protocol_error");
      assertThat(mesh.node(0).counters().linkCloses()).doesNotContainKey("protocol_error");
      assertThat(told).hasSize(1);
      assertThat(told.get(0)).startsWith("could not store ");
      assertThat(mesh.node(2).linkCount()).isPositive();

      pageLimit(db, false); // room again: the batch is asked for again in this session
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> shown.size() >= sent.size() && sent.stream().allMatch(m -> inFile(file, m)));
      assertThat(ids(shown)).as("each shown once, in order").isEqualTo(ids(sent));
      assertThat(told).hasSize(1);
      assertThat(mesh.node(2).counters().get(Counter.INTERNAL_ERROR)).isZero();
    }
  }

  /**
   * Peer 2's screen in a relayed trio: the lines shown whose text starts with a prefix, and every
   * error line the user was told.
   */
  private static final class Screen implements PeerListener {
    final List<ChatMessage> shown = new CopyOnWriteArrayList<>();
    final List<String> told = new CopyOnWriteArrayList<>();
    private final String prefix;

    Screen(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void delivered(Delivery d) {
      if (d.message().text().startsWith(prefix)) {
        shown.add(d.message());
      }
    }

    @Override
    public void error(String line) {
      told.add(line);
    }
  }

  /** A relayed trio whose peer 2 has shown peer 0's "warm up" line. */
  private LoopbackCluster warmTrio(int seed, Screen screen) throws Exception {
    LoopbackCluster mesh = LoopbackCluster.relayedTrio(seed, dir, screen);
    try {
      mesh.node(0).send("warm up").join();
      await().atMost(Duration.ofSeconds(30)).until(() -> mesh.seen(2).texts().contains("warm up"));
      return mesh;
    } catch (Exception | Error e) {
      mesh.close();
      throw e;
    }
  }

  private static List<String> ids(List<ChatMessage> ms) {
    return ms.stream().map(m -> m.id().toString()).toList();
  }

  private static SqliteDatabase database(PeerNode node) throws Exception {
    Field f = PeerNode.class.getDeclaredField("parts");
    f.setAccessible(true);
    PeerNode.Parts parts = (PeerNode.Parts) f.get(node);
    return ((SqliteMessageStore) parts.store()).database();
  }

  /** SQLITE_FULL from the next page on ({@code full}), or room again. */
  private static void pageLimit(SqliteDatabase db, boolean full) throws SQLException {
    synchronized (db) { // the connection's own lock (SqliteDatabase.call)
      try (Statement s = db.connection().createStatement()) {
        long pages;
        try (ResultSet r = s.executeQuery("PRAGMA page_count")) {
          r.next();
          pages = r.getLong(1);
        }
        s.execute("PRAGMA max_page_count = " + (full ? pages : 1_000_000_000L));
      }
    }
  }

  private static boolean inFile(Path file, ChatMessage m) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM messages WHERE origin = ? AND seq = ?")) {
      s.setBytes(1, m.origin().toBytes());
      s.setLong(2, m.seq());
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getLong(1) == 1;
      }
    } catch (SQLException e) {
      return false;
    }
  }
}
