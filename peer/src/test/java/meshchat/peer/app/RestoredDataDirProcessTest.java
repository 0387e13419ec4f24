package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The self-fork guard with real processes (docs/storage.md): a data dir restored from an old copy
 * while the room holds newer own messages. The restarted peer types at once; it must take its newer
 * messages back from the room, say so once, and continue after them: no fork, no seq reused.
 */
class RestoredDataDirProcessTest {
  // the fixture's bound for what a child JVM does (a JVM start takes 20 s on a loaded box); 30 s
  // here was too short for two chats to start and link (session 33: timed out at load 47)
  private static final Duration WAIT = ChatProcesses.WAIT;

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Bob and ann linked; ann types a1, is backed up, types a2 and a3, and is restored. */
  private Chat[] roomWithARestoredAnn() throws Exception {
    Path tmp = procs.dir();
    List<Chat> room = procs.linked(WAIT, "bob", "ann");
    Chat bob = room.get(0);
    Chat ann = room.get(1);
    ann.in.println("a1");
    await().atMost(WAIT).until(() -> bob.count("\"text\":\"a1\"") == 1);
    ann.leave(); // EOF: leave cleanly
    Path backup = tmp.resolve("backup");
    copyTree(tmp.resolve("ann"), backup); // the backup holds a1 only

    Chat ann2 = procs.chat("ann");
    await().atMost(WAIT).until(() -> ann2.count("\"event\":\"peer-up\"") == 1);
    ann2.in.println("a2");
    ann2.in.println("a3");
    await().atMost(WAIT).until(() -> bob.count("\"text\":\"a3\"") == 1);
    String annId = ann2.peerId();
    ann2.leave();

    deleteTree(tmp.resolve("ann"));
    copyTree(backup, tmp.resolve("ann")); // restored from the old copy
    return new Chat[] {bob, ann2};
  }

  /** The restored ann's line went after a2 and a3, and nobody saw a fork or a reused seq. */
  private void assertNoForkNorReuse(Chat bob, Chat ann3, String annId) throws Exception {
    await().atMost(WAIT).until(() -> bob.count("after the restore") == 1);
    await().atMost(WAIT).until(() -> ann3.count("after the restore") == 1);
    String mine = "\"origin\":\"" + annId + "\",\"seq\":";
    assertThat(ann3.out)
        .filteredOn(l -> l.contains("\"text\":\"after the restore\""))
        .singleElement()
        .asString()
        .contains(mine + "4,");
    assertThat(ann3.out)
        .filteredOn(l -> l.contains("\"event\":\"own-recovered\""))
        .containsExactly("{\"event\":\"own-recovered\",\"count\":2,\"last_seq\":3}");
    for (Chat c : List.of(bob, ann3)) {
      assertThat(c.out).noneMatch(l -> l.contains("\"event\":\"fork\""));
    }
    ann3.leave();
    bob.leave();
    String annHistory = procs.history("ann");
    assertThat(annHistory).isEqualTo(procs.history("bob"));
    assertThat(annHistory.lines().filter(l -> l.contains(mine))).hasSize(4);
  }

  @Test
  void aRestoredOldCopyTakesItsNewerMessagesBackAndNeitherForksNorReusesASeq() throws Exception {
    Chat[] before = roomWithARestoredAnn();
    Chat bob = before[0];
    String annId = before[1].peerId();
    Chat ann3 = procs.chat("ann");
    ann3.in.println("after the restore"); // at once, before any link is up
    assertNoForkNorReuse(bob, ann3, annId);
  }

  /**
   * A loaded machine, made on purpose: bob is frozen (SIGSTOP) while the restored ann starts, so
   * ann's dial to him connects but its handshake hangs past the offline grace. A peer still dialing
   * is not offline: the line waits, and once bob thaws it goes after a2 and a3.
   */
  @Test
  void aRestoredCopyWhoseNeighbourAnswersOnlyAfterTheGraceStillWaitsForIt() throws Exception {
    Chat[] before = roomWithARestoredAnn();
    Chat bob = before[0];
    String annId = before[1].peerId();
    signal("-STOP", bob);
    Chat ann3;
    try {
      ann3 = procs.chat("ann");
      await().atMost(WAIT).until(ann3::ready);
      ann3.in.println("after the restore");
      // past the 1.5 s grace, well inside the 5 s handshake timeout: the line must not be authored
      await()
          .during(Duration.ofMillis(2_500))
          .atMost(Duration.ofSeconds(4))
          .until(() -> ann3.count("after the restore") == 0);
    } finally {
      signal("-CONT", bob);
    }
    assertNoForkNorReuse(bob, ann3, annId);
  }

  private static void signal(String signal, Chat chat) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("kill", signal));
    cmd.add(Long.toString(chat.process.pid()));
    chat.process.descendants().forEach(d -> cmd.add(Long.toString(d.pid())));
    assertThat(new ProcessBuilder(cmd).inheritIO().start().waitFor()).isZero();
  }
}
