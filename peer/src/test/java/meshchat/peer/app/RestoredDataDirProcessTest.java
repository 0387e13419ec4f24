package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import meshchat.peer.app.CliProcessTest.Chat;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The self-fork guard with real processes (docs/storage.md): a data dir restored from an old copy
 * while the room holds newer own messages. The restarted peer types at once; it must take its newer
 * messages back from the room, say so once, and continue after them: no fork, no seq reused.
 */
class RestoredDataDirProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private final List<Chat> chats = new ArrayList<>();
  private TrackerServer tracker;

  @AfterEach
  void tearDown() {
    chats.forEach(c -> c.process.destroyForcibly());
    if (tracker != null) {
      tracker.close();
    }
  }

  private Chat chat(String nick) throws IOException {
    Chat c = Chat.start(tmp, nick, tracker.localAddress().getPort());
    chats.add(c);
    return c;
  }

  private static void leave(Chat c) throws InterruptedException {
    c.in.close(); // EOF: leave cleanly
    assertThat(c.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private String history(String nick) {
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new HistoryCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(new StringWriter(), true))
            .execute("--data", tmp.resolve(nick).toString(), "--json");
    assertThat(code).isZero();
    return out.toString();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aRestoredOldCopyTakesItsNewerMessagesBackAndNeitherForksNorReusesASeq() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest().with(d -> d.port = 0));
    Chat bob = chat("bob");
    Chat ann = chat("ann");
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"peer-up\"") == 1);
    ann.in.println("a1");
    await().atMost(WAIT).until(() -> bob.count("\"text\":\"a1\"") == 1);
    String annId = ann.peerId();
    leave(ann);
    Path backup = tmp.resolve("backup");
    copyTree(tmp.resolve("ann"), backup); // the backup holds a1 only

    Chat ann2 = chat("ann");
    await().atMost(WAIT).until(() -> ann2.count("\"event\":\"peer-up\"") == 1);
    ann2.in.println("a2");
    ann2.in.println("a3");
    await().atMost(WAIT).until(() -> bob.count("\"text\":\"a3\"") == 1);
    leave(ann2);

    deleteTree(tmp.resolve("ann"));
    copyTree(backup, tmp.resolve("ann")); // restored from the old copy
    Chat ann3 = chat("ann");
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
    leave(ann3);
    leave(bob);
    String annHistory = history("ann");
    assertThat(annHistory).isEqualTo(history("bob"));
    assertThat(annHistory.lines().filter(l -> l.contains(mine))).hasSize(4);
  }
}
