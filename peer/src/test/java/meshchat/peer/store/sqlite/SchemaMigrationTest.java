package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History files of older schemas open and are migrated in place: one from before keys (schema 1)
 * keeps its rows unsigned and restarts own seqs; one of signed messages (schema 2) keeps its rows
 * unchained, its own seq and clock, and takes chained messages and heads from then on (and, through
 * to schema 7, waiting marks, charges and hidden marks).
 */
class SchemaMigrationTest {
  @TempDir Path dataDir;

  /**
   * Schema {@code version} (1 or 2) exactly as it shipped: frozen, so writing it out here rather
   * than running today's migrations is the point of the test. Schema 2 (migrations 1 and 2) is 1
   * with a key and a signature on every row.
   */
  private static void createShippedSchema(Statement s, int version) throws SQLException {
    String signed =
        version == 2
            ? " public_key BLOB NOT NULL DEFAULT x'', signature BLOB NOT NULL DEFAULT x'',"
            : "";
    String row =
        " origin BLOB NOT NULL, seq INTEGER NOT NULL, lamport INTEGER NOT NULL,"
            + " wall_time_ms INTEGER NOT NULL, nick TEXT NOT NULL, text TEXT NOT NULL,"
            + " deps BLOB NOT NULL,"
            + signed;
    s.execute(
        "CREATE TABLE meta (room_id INTEGER PRIMARY KEY, room TEXT NOT NULL UNIQUE,"
            + " lamport INTEGER NOT NULL DEFAULT 0, own_seq INTEGER NOT NULL DEFAULT 0) STRICT");
    s.execute(
        "CREATE TABLE messages (room_id INTEGER NOT NULL REFERENCES meta(room_id),"
            + row
            + " PRIMARY KEY (room_id, origin, seq)) STRICT");
    s.execute("CREATE INDEX messages_order ON messages(room_id, lamport, origin, seq)");
    s.execute(
        "CREATE TABLE conflicts (room_id INTEGER NOT NULL REFERENCES meta(room_id),"
            + row
            + " UNIQUE (room_id, origin, seq, lamport, wall_time_ms, nick, text, deps)) STRICT");
  }

  @Test
  void aVersionOneFileIsMigratedInPlace() throws Exception {
    PeerId oldSelf = PeerId.fromHex("0102");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE_NAME));
        Statement s = c.createStatement()) {
      createShippedSchema(s, 1);
      s.execute("INSERT INTO meta(room_id, room, lamport, own_seq) VALUES (1, 'lobby', 9, 5)");
      s.execute("INSERT INTO messages VALUES (1, x'0102', 5, 9, 1000, 'ann', 'old times', x'')");
      s.execute("PRAGMA application_id = " + SqliteDatabase.APPLICATION_ID);
      s.execute("PRAGMA user_version = 1");
    }

    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      ChatMessage old = store.get(new MessageId(oldSelf, 5)).orElseThrow();
      assertThat(old.text()).isEqualTo("old times");
      assertThat(old.isChained()).isFalse();
      // the peer's new, key-derived id starts its sequence at 1; the clock is kept
      PeerId newSelf = PeerId.fromHex("aabbccdd");
      assertThat(store.load(newSelf).ownSeq()).isZero();
      assertThat(store.load(newSelf).lamport()).isEqualTo(9);
    }
  }

  @Test
  void aVersionTwoFileOfSignedMessagesIsMigratedToChains() throws Exception {
    Path file = dataDir.resolve(SqliteDatabase.FILE_NAME);
    PeerId self = PeerId.fromHex("a1b2c3d4");
    PeerId other = PeerId.fromHex("0e0f");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      createShippedSchema(s, 2);
      s.execute("INSERT INTO meta(room_id, room, lamport, own_seq) VALUES (1, 'lobby', 12, 2)");
      String key = "x'" + "11".repeat(32) + "'";
      String sig = "x'" + "22".repeat(64) + "'";
      s.execute(
          "INSERT INTO messages VALUES (1, x'a1b2c3d4', 1, 3, 1000, 'me', 'first', x'', "
              + key
              + ", "
              + sig
              + ")");
      s.execute(
          "INSERT INTO messages VALUES (1, x'a1b2c3d4', 2, 11, 2000, 'me', 'second', x'', "
              + key
              + ", "
              + sig
              + ")");
      s.execute(
          "INSERT INTO messages VALUES (1, x'0e0f', 1, 7, 1500, 'them', 'hello', x'', "
              + key
              + ", "
              + sig
              + ")");
      s.execute("PRAGMA application_id = " + SqliteDatabase.APPLICATION_ID);
      s.execute("PRAGMA user_version = 2");
    }

    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      // signed rows stay readable, unchained (shown here, never served); own seq and clock kept
      assertThat(store.history(10))
          .extracting(ChatMessage::text)
          .containsExactly("first", "hello", "second");
      assertThat(store.get(new MessageId(other, 1)).orElseThrow().isChained()).isFalse();
      assertThat(store.load(self).ownSeq()).isEqualTo(2);
      assertThat(store.load(self).lamport()).isEqualTo(12);

      // the chain continues at seq 3, and its heads are kept
      byte[] prev = new byte[ChatMessage.HASH_BYTES];
      prev[0] = 7;
      ChatMessage third =
          new ChatMessage(new MessageId(self, 3), 13, 3000, "me", "third", List.of()).chained(prev);
      store.appendOwn(third, 13);
      ChainHead head = new ChainHead(self, 3, prev, new byte[64], new byte[32]);
      store.putHead(head);
      store.commit();
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      assertThat(store.load(self).ownSeq()).isEqualTo(3);
      assertThat(store.get(new MessageId(self, 3)).orElseThrow().prev()).startsWith(7);
      assertThat(store.headAtOrAfter(self, 1)).map(ChainHead::seq).contains(3L);
      assertThat(store.waiting()).isEmpty(); // schema 5: nothing was held back before it
      store.markWaiting(new MessageId(other, 1));
      store.commit();
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      assertThat(store.waiting()).containsExactly(new MessageId(other, 1));
      assertThat(store.charges(0)).isEmpty(); // schema 6: rows from before it count nothing
      store.charge(other, false, 7, 1_000);
      store.commit();
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      assertThat(store.charges(0)).containsExactly(new MessageStore.Charge(other, false, 7, 1_000));
      // schema 7: no row from before it is hidden; a mark is kept
      assertThat(store.history(10))
          .extracting(ChatMessage::text)
          .containsExactly("first", "hello", "second", "third");
      store.markHidden(new MessageId(other, 1));
      store.commit();
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      assertThat(store.history(10))
          .extracting(ChatMessage::text)
          .containsExactly("first", "second", "third");
      assertThat(store.get(new MessageId(other, 1))).isPresent(); // stored still
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(Schema.CURRENT_VERSION).isEqualTo(7);
    }
  }
}
