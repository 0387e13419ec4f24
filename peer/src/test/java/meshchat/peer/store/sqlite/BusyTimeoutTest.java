package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/storage.md, "Pragmas, and why": {@code busy_timeout} is 5000 ms, so that a reader in another
 * process ({@code meshchat history}) or a checkpoint holding the lock briefly makes a commit wait
 * instead of failing with SQLITE_BUSY. It is not stored in the file: set at every open. Until
 * session 37 no test held it (the table's other pragmas are in SqliteMessageStoreTest).
 */
class BusyTimeoutTest {
  @TempDir Path dataDir;

  @Test
  void everyConnectionWaitsFiveSecondsForTheLock() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.openDataDir(dataDir)) {
      db.room("lobby");
      try (Statement s = db.connection().createStatement();
          ResultSet rs = s.executeQuery("PRAGMA busy_timeout")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(5000);
      }
    }
    try (SqliteDatabase again = SqliteDatabase.openDataDir(dataDir);
        Statement s = again.connection().createStatement();
        ResultSet rs = s.executeQuery("PRAGMA busy_timeout")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("set at every open, not kept in the file").isEqualTo(5000);
    }
  }
}
