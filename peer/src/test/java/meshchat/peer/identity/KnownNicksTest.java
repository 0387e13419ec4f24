package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
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

  /**
   * Session 29: every new nick rewrote the whole file (up to 10,000 lines), so a stranger cycling
   * nicks cost O(n²) bytes. Now a new nick appends a line or two, and the rewrites that compact the
   * file cost a constant share more: counted here with each nick written before the next.
   */
  @Test
  void aNewNickCostsALineOrTwoOfWritesNotTheWholeFile() throws Exception {
    int members = 3_000;
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      for (int i = 0; i < members; i++) {
        k.book().see(key(100_000 + i), "member" + i, i);
      }
    }
    long fileBefore = Files.size(dir.resolve(KnownNicks.FILE));
    int cycled = 2_000;
    long written;
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      for (int i = 0; i < cycled; i++) {
        k.book().see(MALLORY, "stranger" + i, 10_000 + i); // one key cycling nicks
        k.flush(); // as in a chat, where nicks come far apart: each is written before the next
      }
      written = k.bytesWritten();
    }
    long perNick = written / cycled;
    // a pin line and a forgotten one are ~110 bytes; the whole file is ~190 KB
    assertThat(perNick).as("bytes written per new nick").isLessThan(400);
    assertThat(written).isLessThan(fileBefore * 4);
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      assertThat(k.book().size()).isEqualTo(members + NickBook.MAX_FIRST_PER_KEY);
      assertThat(k.book().see(MALLORY, "stranger" + (cycled - 1), 0).trusted()).isTrue();
      assertThat(k.book().whois("stranger0")).isEmpty();
      assertThat(k.book().see(key(100_000), "member0", 0).trusted()).isTrue();
      assertThat(k.book().see(key(100_000 + members - 1), "member" + (members - 1), 0).trusted())
          .isTrue();
    }
    assertThat(problems).isEmpty();
  }

  /**
   * A write cut short (a kill -9 or a power cut mid-append) leaves a last line with no newline: it
   * is ignored with one line, nothing before it is lost, and the file is repaired at once, so the
   * next append does not run into it.
   */
  @Test
  void aTornLastLineIsIgnoredWithOneLineAndNothingEarlierIsLost() throws Exception {
    Path file = dir.resolve(KnownNicks.FILE);
    Files.writeString(
        file,
        "# header\nalice "
            + ALICE.hex()
            + " first 1000\nbob "
            + BOB.hex()
            + " first 2000\ncarol "
            + MALLORY.hex().substring(0, 9));
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      assertThat(k.book().see(ALICE, "alice", 3_000).trusted()).isTrue();
      assertThat(k.book().see(BOB, "bob", 3_000).trusted()).isTrue();
      assertThat(k.book().whois("carol")).isEmpty();
      k.book().see(MALLORY, "dave", 4_000);
    }
    assertThat(problems).singleElement().asString().contains("cut short");
    assertThat(Files.readString(file)).endsWith("\n");
    problems.clear();
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      assertThat(k.book().see(MALLORY, "dave", 5_000).trusted()).isTrue();
      assertThat(k.book().see(ALICE, "alice", 5_000).trusted()).isTrue();
      assertThat(k.book().see(BOB, "bob", 5_000).trusted()).isTrue();
    }
    assertThat(problems).isEmpty();
  }

  /** A forgotten pin and a key trusted by hand survive a restart as journal lines. */
  @Test
  void journalLinesForgetAndTrustAcrossARestart() throws Exception {
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      k.book().see(ALICE, "alice", 1_000);
      k.flush();
      k.book().see(MALLORY, "alice", 2_000);
      k.book().trust("alice", "", 3_000);
      for (int i = 0; i <= NickBook.MAX_FIRST_PER_KEY; i++) {
        k.book().see(BOB, "bob" + i, 4_000 + i); // past 16, bob0 is forgotten
      }
      k.flush();
      assertThat(Files.readAllLines(dir.resolve(KnownNicks.FILE)))
          .contains("alice " + MALLORY.hex() + " trusted 3000")
          .contains(NickBook.FORGET + " bob0 " + BOB.hex());
    }
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      assertThat(k.book().see(MALLORY, "alice", 5_000).trusted()).isTrue();
      assertThat(k.book().whois("alice")).anyMatch(key -> key.byUser());
      assertThat(k.book().whois("bob0")).isEmpty();
      assertThat(k.book().see(BOB, "bob16", 5_000).trusted()).isTrue();
    }
    assertThat(problems).isEmpty();
  }

  private static final PeerId BOB = PeerId.fromHex("b0b0b000000000000000000000000003");

  static PeerId key(int i) {
    return PeerId.fromHex(String.format("%032x", i));
  }
}
