package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 4's crash-and-restart story as a new user would run it: three {@code chat --json}
 * processes, one killed with kill -9 while the others keep talking, restarted on the same data dir;
 * then {@code meshchat history --json} of every data dir must be identical, and the restarted
 * peer's own sequence numbers continue without reuse.
 */
class CrashRestartProcessTest {
  private static final Duration WAIT =
      Duration.ofSeconds(90); // JVM starts take tens of seconds on a loaded box

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static void say(Chat c, String text) {
    c.in.println(text);
    await().atMost(WAIT).until(() -> c.count("\"text\":\"" + text + "\"") == 1);
  }

  @Test
  void aKilledPeerRestartsOnItsDataDirCatchesUpAndContinuesItsSeqs() throws Exception {
    List<Chat> room = procs.linked(WAIT, "ann", "bob", "cat");
    Chat ann = room.get(0);
    Chat bob = room.get(1);
    Chat cat = room.get(2);
    say(cat, "cat 1");
    say(cat, "cat 2");
    String catId = cat.peerId();

    cat.kill();
    for (int k = 0; k < 3; k++) {
      say(ann, "ann while cat is dead " + k);
      say(bob, "bob while cat is dead " + k);
    }

    Chat cat2 = procs.chat("cat");
    await().atMost(WAIT).until(() -> cat2.count("dead") == 6); // caught up, each once
    say(cat2, "cat 3");
    for (Chat x : List.of(ann, bob)) {
      await().atMost(WAIT).until(() -> x.count("\"text\":\"cat 3\"") == 1);
    }
    for (Chat x : List.of(ann, bob, cat2)) {
      assertThat(x.leave()).isZero(); // EOF: leave cleanly, exit 0
    }

    String canonical = procs.history("ann");
    assertThat(canonical.lines()).hasSize(9);
    assertThat(procs.history("bob")).isEqualTo(canonical);
    assertThat(procs.history("cat")).isEqualTo(canonical);
    List<String> catSeqs =
        canonical
            .lines()
            .filter(l -> l.contains("\"origin\":\"" + catId + "\""))
            .map(l -> l.replaceAll(".*\"seq\":(\\d+).*", "$1"))
            .toList();
    assertThat(catSeqs).containsExactly("1", "2", "3");
  }
}
