package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history file we cannot use fails loudly, names the file, and is left exactly as it was. */
class UnusableDatabaseTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve(SqliteDatabase.FILE_NAME);
  }

  /** Opens the file and reads everything a starting peer reads. */
  private void openAndRead() {
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      s.load(PeerId.of(new byte[] {1}));
      s.history(Integer.MAX_VALUE);
    }
  }

  @Test
  void garbageBytesAreNotADatabase() throws Exception {
    byte[] garbage = new byte[8192];
    new Random(42).nextBytes(garbage);
    Files.write(file(), garbage);

    assertThatThrownBy(this::openAndRead)
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessage(
            "history database "
                + file().toAbsolutePath()
                + " is corrupt or not a meshchat database: file is not a database");
    assertThat(Files.readAllBytes(file())).isEqualTo(garbage);
    assertThat(dir.resolve("history.db-wal")).doesNotExist();
  }

  @Test
  void aTruncatedFileIsCorrupt() throws Exception {
    PeerId p = PeerId.of(new byte[] {7});
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      for (long seq = 1; seq <= 2000; seq++) {
        s.append(new ChatMessage(new MessageId(p, seq), seq, seq, "n", "x".repeat(100), List.of()));
      }
    } // the last close checkpoints the log into the main file
    byte[] whole = Files.readAllBytes(file());
    byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
    Files.write(file(), half);

    assertThatThrownBy(this::openAndRead)
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessageStartingWith(
            "history database "
                + file().toAbsolutePath()
                + " is corrupt or not a meshchat database: ")
        .message()
        .doesNotContain("\n");
    assertThat(Files.readAllBytes(file())).isEqualTo(half);
  }

  @Test
  void aHeaderCutShortIsNotADatabase() throws Exception {
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      s.count();
    }
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file()), 50);
    Files.write(file(), head);
    assertThatThrownBy(this::openAndRead)
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessageContaining(file().toAbsolutePath() + " is corrupt or not a meshchat database");
    assertThat(Files.readAllBytes(file())).isEqualTo(head);
  }

  @Test
  void aDirectoryInPlaceOfTheFileCannotBeOpened() throws Exception {
    Files.createDirectory(file());
    assertThatThrownBy(this::openAndRead)
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessage(
            "history database " + file().toAbsolutePath() + " cannot be opened: it is a directory");
    assertThat(file()).isDirectory().isEmptyDirectory();
  }

  @Test
  void anUnreadableFileCannotBeOpened() throws Exception {
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      s.count();
    }
    byte[] before = Files.readAllBytes(file());
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("---------"));
    try {
      Assumptions.assumeFalse(
          Files.isReadable(file()),
          "running as root: chmod 000 does not stop reads; the directory case covers root");
      assertThatThrownBy(this::openAndRead)
          .isInstanceOf(HistoryDatabaseException.class)
          .hasMessageStartingWith(
              "history database " + file().toAbsolutePath() + " cannot be opened: ");
    } finally {
      Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.readAllBytes(file())).isEqualTo(before);
  }

  @Test
  void anotherApplicationsSqliteFileIsRefusedAndUntouched() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes(x TEXT)");
      s.execute("INSERT INTO notes VALUES ('keep me')");
    }
    byte[] before = Files.readAllBytes(file());
    assertThatThrownBy(this::openAndRead)
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessage(
            "history database "
                + file().toAbsolutePath()
                + " is corrupt or not a meshchat database: an SQLite file without meshchat's marker");
    assertThat(Files.readAllBytes(file())).isEqualTo(before); // not even switched to WAL
  }

  @Test
  void aFileFromANewerMeshchatIsRefused() throws Exception {
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      s.count();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (Schema.CURRENT_VERSION + 1));
    }
    assertThatThrownBy(this::openAndRead)
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessageContaining(file().toAbsolutePath() + " was written by a newer meshchat");
  }

  @Test
  void aMissingDirectoryCannotBeOpened() {
    Path missing = dir.resolve("nope").resolve(SqliteDatabase.FILE_NAME);
    assertThatThrownBy(() -> SqliteDatabase.open(missing))
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessageStartingWith(
            "history database " + missing.toAbsolutePath() + " cannot be opened");
    assertThat(missing.getParent()).doesNotExist();
  }
}
