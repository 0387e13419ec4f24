package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.CliProcessTest.Chat;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 4's crash-and-restart story as a new user would run it: three {@code chat --json}
 * processes, one killed with kill -9 while the others keep talking, restarted on the same data dir;
 * then {@code meshchat history --json} of every data dir must be identical, and the restarted
 * peer's own sequence numbers continue without reuse.
 */
class CrashRestartProcessTest {
  private static final Duration WAIT =
      Duration.ofSeconds(90); // JVM starts take tens of seconds on a loaded box

  @TempDir Path tmp;
  private final List<Chat> chats = new ArrayList<>();
  private TrackerServer tracker;

  private Chat chat(String nick) throws IOException {
    Chat c = Chat.start(tmp, nick, tracker.localAddress().getPort());
    chats.add(c);
    return c;
  }

  @AfterEach
  void tearDown() {
    chats.forEach(c -> c.process.destroyForcibly());
    if (tracker != null) {
      tracker.close();
    }
  }

  private static void say(Chat c, String text) {
    c.in.println(text);
    await().atMost(WAIT).until(() -> c.count("\"text\":\"" + text + "\"") == 1);
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

  @Test
  void aKilledPeerRestartsOnItsDataDirCatchesUpAndContinuesItsSeqs() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest().with(d -> d.port = 0));
    Chat ann = chat("ann");
    Chat bob = chat("bob");
    Chat cat = chat("cat");
    for (Chat x : List.of(ann, bob, cat)) {
      await().atMost(WAIT).until(() -> x.count("\"event\":\"peer-up\"") == 2);
    }
    say(cat, "cat 1");
    say(cat, "cat 2");
    String catId = cat.peerId();

    cat.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
    for (int k = 0; k < 3; k++) {
      say(ann, "ann while cat is dead " + k);
      say(bob, "bob while cat is dead " + k);
    }

    Chat cat2 = chat("cat");
    await().atMost(WAIT).until(() -> cat2.count("dead") == 6); // caught up, each once
    say(cat2, "cat 3");
    for (Chat x : List.of(ann, bob)) {
      await().atMost(WAIT).until(() -> x.count("\"text\":\"cat 3\"") == 1);
    }
    for (Chat x : List.of(ann, bob, cat2)) {
      x.in.close(); // EOF: leave cleanly, exit 0
      assertThat(x.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(x.process.exitValue()).isZero();
    }

    String canonical = history("ann");
    assertThat(canonical.lines()).hasSize(9);
    assertThat(history("bob")).isEqualTo(canonical);
    assertThat(history("cat")).isEqualTo(canonical);
    List<String> catSeqs =
        canonical
            .lines()
            .filter(l -> l.contains("\"origin\":\"" + catId + "\""))
            .map(l -> l.replaceAll(".*\"seq\":(\\d+).*", "$1"))
            .toList();
    assertThat(catSeqs).containsExactly("1", "2", "3");
  }
}
