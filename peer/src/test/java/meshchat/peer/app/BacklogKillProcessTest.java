package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backlog case of docs/storage.md with real processes: a linked peer is fed 30,000 lines at
 * once and killed with SIGKILL while it works through them. Every line it showed is in its file,
 * every line its neighbour received from it too, and the restarted peer continues the seq.
 */
class BacklogKillProcessTest {
  private static final Pattern MSG =
      Pattern.compile("\"origin\":\"([0-9a-f]+)\",\"seq\":(\\d+),.*\"text\":\"([^\"]*)\"");

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static Map<Long, String> messagesOf(String origin, List<String> lines) {
    Map<Long, String> out = new TreeMap<>();
    for (String l : lines) {
      Matcher m = MSG.matcher(l);
      if (l.contains("\"event\":\"message\"") && m.find() && m.group(1).equals(origin)) {
        out.put(Long.parseLong(m.group(2)), m.group(3));
      }
    }
    return out;
  }

  @Test
  void aPeerKilledWorkingThroughThirtyThousandPipedLinesLosesNothingItShowedOrSent()
      throws Exception {
    List<Chat> room = procs.linked(WAIT, "bob", "ann");
    Chat bob = room.get(0);
    Chat ann = room.get(1);
    String id = ann.peerId();
    StringBuilder backlog = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      backlog.append("backlog line ").append(i).append('\n');
    }
    ann.in.print(backlog); // all at once, as a pipe delivers it
    ann.in.flush();
    await().atMost(WAIT).until(() -> ann.count("\"origin\":\"" + id + "\"") >= 300);
    ann.kill(); // kill -9 mid-backlog

    Map<Long, String> shown = messagesOf(id, ann.out);
    Map<Long, String> file = messagesOf(id, procs.history("ann").lines().toList());
    assertThat(shown.size()).isGreaterThanOrEqualTo(300).isLessThan(30_000);
    shown.forEach((seq, text) -> assertThat(file.get(seq)).as("shown #" + seq).isEqualTo(text));
    Map<Long, String> atBob = messagesOf(id, bob.out);
    atBob.forEach((seq, text) -> assertThat(file.get(seq)).as("sent #" + seq).isEqualTo(text));

    Chat again = procs.chat("ann");
    again.in.println("after the kill");
    await().atMost(WAIT).until(() -> bob.count("after the kill") == 1);
    long next = file.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    assertThat(messagesOf(id, again.out)).containsEntry(next, "after the kill");
    assertThat(bob.out).noneMatch(l -> l.contains("\"event\":\"fork\""));
  }
}
