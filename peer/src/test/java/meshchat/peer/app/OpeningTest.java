package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.sqlite.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part of a chat start that runs beside the identity's loading, on real SQLite files. */
class OpeningTest {
  @TempDir Path dir;

  @Test
  void aPrivateRoomsKeyIsDerivedItsSecretWipedAndItsHistoryOpenedUnderItsId() {
    char[] secret = "correct horse".toCharArray();
    String expected = RoomKey.derive("lobby", "correct horse".toCharArray()).roomId();
    try (Opening opening = Opening.start(dir, "lobby", secret)) {
      opening.loggingReady();
      assertThat(opening.roomKey().roomId()).isEqualTo(expected);
      assertThat(secret).containsOnly('\0');
      try (MessageStore store = opening.store()) {
        assertThat(store.count()).isZero();
      }
    }
  }

  @Test
  void anOpenRoomHasNoKey() {
    try (Opening opening = Opening.start(dir, "lobby", null)) {
      assertThat(opening.roomKey()).isNull();
      opening.store().close();
    }
  }

  @Test
  void aHistoryThatCannotOpenIsTheStartsErrorWhenItIsTaken() throws IOException {
    Path notADir = Files.writeString(dir.resolve("file"), "a file where the data dir should be");
    try (Opening opening = Opening.start(notADir, "lobby", null)) {
      assertThatThrownBy(opening::store).isInstanceOf(RuntimeException.class);
    }
  }

  /**
   * A start that ends before it takes the history (a damaged key file) closes it before the data
   * dir's lock is let go: nothing of this process stays open in the dir.
   */
  @Test
  void aHistoryNeverTakenIsClosedWithTheOpening() throws IOException {
    Opening.start(dir, "lobby", null).close();
    assertThat(dir.resolve(SqliteDatabase.FILE_NAME))
        .as("opened before the close returned")
        .exists();
    assertThat(openIn(dir)).as("and closed").isEmpty();
  }

  /** The files under {@code d} this process holds open (Linux: /proc/self/fd). */
  private static List<Path> openIn(Path d) throws IOException {
    Path real = d.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(OpeningTest::target).filter(t -> t != null && t.startsWith(real)).toList();
    }
  }

  private static Path target(Path fd) {
    try {
      return Files.readSymbolicLink(fd);
    } catch (IOException e) {
      return null;
    }
  }
}
