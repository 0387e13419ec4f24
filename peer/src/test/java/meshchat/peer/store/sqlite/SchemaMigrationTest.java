package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history file from before keys (schema 1) opens, keeps its rows unsigned, restarts own seqs. */
class SchemaMigrationTest {
  @TempDir Path dataDir;

  @Test
  void aVersionOneFileIsMigratedInPlace() throws Exception {
    PeerId oldSelf = PeerId.fromHex("0102");
    // schema 1 exactly as it shipped: frozen, so copying it here is the point of the test
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE_NAME));
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE meta (room_id INTEGER PRIMARY KEY, room TEXT NOT NULL UNIQUE,"
              + " lamport INTEGER NOT NULL DEFAULT 0, own_seq INTEGER NOT NULL DEFAULT 0) STRICT");
      s.execute(
          "CREATE TABLE messages (room_id INTEGER NOT NULL REFERENCES meta(room_id),"
              + " origin BLOB NOT NULL, seq INTEGER NOT NULL, lamport INTEGER NOT NULL,"
              + " wall_time_ms INTEGER NOT NULL, nick TEXT NOT NULL, text TEXT NOT NULL,"
              + " deps BLOB NOT NULL, PRIMARY KEY (room_id, origin, seq)) STRICT");
      s.execute("CREATE INDEX messages_order ON messages(room_id, lamport, origin, seq)");
      s.execute(
          "CREATE TABLE conflicts (room_id INTEGER NOT NULL REFERENCES meta(room_id),"
              + " origin BLOB NOT NULL, seq INTEGER NOT NULL, lamport INTEGER NOT NULL,"
              + " wall_time_ms INTEGER NOT NULL, nick TEXT NOT NULL, text TEXT NOT NULL,"
              + " deps BLOB NOT NULL,"
              + " UNIQUE (room_id, origin, seq, lamport, wall_time_ms, nick, text, deps)) STRICT");
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
}
