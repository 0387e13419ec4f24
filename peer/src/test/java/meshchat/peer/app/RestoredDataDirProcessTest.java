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
  private static final Duration WAIT = Duration.ofSeconds(30);

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

  @Test
  void aRestoredOldCopyTakesItsNewerMessagesBackAndNeitherForksNorReusesASeq() throws Exception {
    Path tmp = procs.dir();
    List<Chat> room = procs.linked(WAIT, "bob", "ann");
    Chat bob = room.get(0);
    Chat ann = room.get(1);
    ann.in.println("a1");
    await().atMost(WAIT).until(() -> bob.count("\"text\":\"a1\"") == 1);
    String annId = ann.peerId();
    ann.leave(); // EOF: leave cleanly
    Path backup = tmp.resolve("backup");
    copyTree(tmp.resolve("ann"), backup); // the backup holds a1 only

    Chat ann2 = procs.chat("ann");
    await().atMost(WAIT).until(() -> ann2.count("\"event\":\"peer-up\"") == 1);
    ann2.in.println("a2");
    ann2.in.println("a3");
    await().atMost(WAIT).until(() -> bob.count("\"text\":\"a3\"") == 1);
    ann2.leave();

    deleteTree(tmp.resolve("ann"));
    copyTree(backup, tmp.resolve("ann")); // restored from the old copy
    Chat ann3 = procs.chat("ann");
    ann3.in.println("after the restore"); // at once, before any link is up
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
}
