package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * session 37: a damaged file in a data dir is told in one line that names the file, with no Java
 * class name in it, and the file is left as it was (nothing stored is lost). Real processes: the
 * line a user sees is the one {@code PeerMain} prints.
 */
class DamagedDataDirProcessTest {
  @TempDir Path dir;
  Path data;

  /** A data dir as a first chat leaves it: a key, and one line in the history. */
  @BeforeEach
  void chatOnce() throws Exception {
    data = dir.resolve("ann");
    Run first = chat(data, "hello\n");
    assertThat(first.exit).as(first.err).isZero();
    assertThat(data.resolve("history.db")).exists();
  }

  /**
   * A page the open does not read (the messages table's root), made garbage: the room's start reads
   * it on the room thread, and its failure came back wrapped ({@code CompletionException}), printed
   * as "meshchat: meshchat.peer.store.sqlite.HistoryDatabaseException: history database ...".
   */
  @Test
  void aCorruptPageReadAtTheRoomsStartIsOneLineWithNoClassName() throws Exception {
    Path db = data.resolve("history.db");
    long page;
    long root;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("PRAGMA page_size")) {
        page = r.getLong(1);
      }
      try (ResultSet r =
          s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 'messages'")) {
        root = r.getLong(1);
      }
    }
    assertThat(data.resolve("history.db-wal")).doesNotExist(); // all of it is in the file
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      byte[] junk = new byte[(int) page];
      Arrays.fill(junk, (byte) 0xab);
      f.seek((root - 1) * page);
      f.write(junk);
    }
    byte[] before = Files.readAllBytes(db);
    Run run = chat(data, "more\n");
    assertThat(run.exit).as(run.err).isNotZero();
    assertOneLine(run.err);
    assertThat(run.err).contains(db.toString()).contains("corrupt");
    assertThat(Files.readAllBytes(db)).as("the damaged file is left as it was").isEqualTo(before);
  }

  /** An empty or cut identity.key said "java.security.InvalidKeyException: IOException : null". */
  @Test
  void aDamagedKeyFileIsNamedAndKept() throws Exception {
    Path key = data.resolve("identity.key");
    byte[] cut = Arrays.copyOf(Files.readAllBytes(key), 10);
    Files.write(key, cut);
    Run run = chat(data, "more\n");
    assertThat(run.exit).as(run.err).isEqualTo(2);
    assertOneLine(run.err);
    assertThat(run.err).contains(key.toString()).doesNotContain("java.");
    assertThat(Files.readAllBytes(key)).as("the key file is left as it was").isEqualTo(cut);

    Files.write(key, new byte[0]);
    run = chat(data, "more\n");
    assertThat(run.exit).as(run.err).isEqualTo(2);
    assertOneLine(run.err);
    assertThat(run.err).contains(key.toString()).doesNotContain("java.");
    assertThat(key).isEmptyFile();
  }

  /** A directory where the lock file goes was "cannot use data dir DIR: is a directory". */
  @Test
  void aDirectoryInPlaceOfTheLockFileIsNamed() throws Exception {
    Path lock = data.resolve("lock");
    Files.delete(lock);
    Files.createDirectory(lock);
    Run run = chat(data, "more\n");
    assertThat(run.exit).as(run.err).isEqualTo(2);
    assertOneLine(run.err);
    assertThat(run.err).contains(lock + ": is a directory");
  }

  /**
   * Not a damaged file, found the same way: after a restart the first own line waits for the
   * self-fork check, and piped input that ended before it was done left at once, exit 0, every line
   * lost (not stored, not shown, no word said). Now the end of input waits for them.
   */
  @Test
  void linesPipedIntoARestartedPeerAreStoredBeforeItLeaves() throws Exception {
    Run run = chat(data, "one\ntwo\nthree\n");
    assertThat(run.exit).as(run.err).isZero();
    String history = ChatProcesses.history(data);
    assertThat(history).contains("hello", "one", "two", "three");
  }

  private static void assertOneLine(String err) {
    assertThat(err.strip().lines().count()).as(err).isEqualTo(1);
    assertThat(err).startsWith("meshchat: ").doesNotContain("Exception").doesNotContain("\tat ");
  }

  private record Run(int exit, String err) {}

  private Run chat(Path data, String input) throws Exception {
    ChatProcesses.Piped p = ChatProcesses.piped(data, input.getBytes(StandardCharsets.UTF_8));
    if (Files.exists(data.resolve("identity.key"))) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("identity.key"))))
          .isEqualTo("rw-------");
    }
    return new Run(p.exit(), p.err());
  }
}
