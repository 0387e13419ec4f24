package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-nicks file of docs/storage.md, on a real file system. */
class KnownNicksTest {
  private static final PeerId ALICE = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY = PeerId.fromHex("7c01aa00000000000000000000000002");
  @TempDir Path dir;
  private final List<String> problems = new CopyOnWriteArrayList<>();

  @Test
  void aNickFirstSeenIsWrittenSoonAndRememberedByTheNextStart() throws Exception {
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      k.book().see(ALICE, "alice", 1_000);
      // written by the writer thread while the peer runs, not only at exit (a kill -9 keeps it)
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> Files.exists(dir.resolve(KnownNicks.FILE)));
      assertThat(Files.readAllLines(dir.resolve(KnownNicks.FILE)))
          .contains("alice " + ALICE.hex() + " first 1000")
          .allMatch(l -> l.startsWith("#") || l.split(" ").length == 4);
      k.book().see(MALLORY, "alice", 2_000);
      k.book().trust("alice", "", 3_000);
    }
    assertThat(Files.exists(dir.resolve(KnownNicks.FILE + ".tmp"))).isFalse();
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      assertThat(k.book().see(MALLORY, "alice", 4_000).trusted()).isTrue();
      assertThat(k.book().see(ALICE, "alice", 4_000).trusted()).isTrue();
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void linesNotUnderstoodAreSkippedWithOneProblemLine() throws Exception {
    Files.writeString(
        dir.resolve(KnownNicks.FILE),
        "garbage\nalice " + ALICE.hex() + " first 1000\nbob nothex first 1\n");
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      assertThat(k.book().see(MALLORY, "alice", 2_000).trusted()).isFalse();
    }
    assertThat(problems).singleElement().asString().contains("skipped 2 lines not understood");
  }

  @Test
  void aFileThatCannotBeReadIsNeverOverwritten() throws Exception {
    Path file = dir.resolve(KnownNicks.FILE);
    Files.createDirectories(file.resolve("inside")); // not a file: reading fails
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      k.book().see(ALICE, "alice", 1_000);
      assertThat(k.book().see(MALLORY, "alice", 2_000).trusted()).isFalse(); // in memory still
    }
    assertThat(problems).singleElement().asString().contains("this session only");
    assertThat(file).isDirectory();
    assertThat(file.resolve("inside")).isDirectory();
  }
}
