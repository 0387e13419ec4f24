package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
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
    openAndRead(dir);
  }

  private static void openAndRead(Path dir) {
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
    byte[] half = Arrays.copyOf(whole, whole.length / 2);
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
    byte[] head = Arrays.copyOf(Files.readAllBytes(file()), 50);
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
      String prefix = "history database " + file().toAbsolutePath() + " cannot be opened: ";
      if (Files.isReadable(file())) {
        assertThat(openAndReadWithoutRootsOverride()).startsWith(prefix);
      } else {
        assertThatThrownBy(this::openAndRead)
            .isInstanceOf(HistoryDatabaseException.class)
            .hasMessageStartingWith(prefix);
      }
    } finally {
      Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.readAllBytes(file())).isEqualTo(before);
  }

  /**
   * Root reads a file whatever its mode (CI runs as root), so there the open runs in a child JVM
   * still root but without the capabilities that override file permissions (util-linux's setpriv,
   * on every Debian); returns the message of the HistoryDatabaseException it got.
   */
  private String openAndReadWithoutRootsOverride() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                "setpriv",
                "--inh-caps=-all",
                "--bounding-set=-dac_override,-dac_read_search",
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OpenInChild.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> lines;
    try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
      lines = out.lines().toList();
    }
    assertThat(child.waitFor()).as("the child's exit code; its output: %s", lines).isZero();
    return lines.stream()
        .filter(l -> l.startsWith(OpenInChild.REFUSED))
        .map(l -> l.substring(OpenInChild.REFUSED.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the child opened the file: " + lines));
  }

  /** The child of {@link #openAndReadWithoutRootsOverride}: prints why the open failed. */
  static final class OpenInChild {
    static final String REFUSED = "refused: ";

    public static void main(String[] args) {
      try {
        openAndRead(Path.of(args[0]));
        System.out.println("opened");
      } catch (HistoryDatabaseException e) {
        System.out.println(REFUSED + e.getMessage());
      }
    }
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
