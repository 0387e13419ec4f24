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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import meshchat.peer.app.CliProcessTest.Chat;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The backlog case of docs/storage.md with real processes: a linked peer is fed 30,000 lines at
 * once and killed with SIGKILL while it works through them. Every line it showed is in its file,
 * every line its neighbour received from it too, and the restarted peer continues the seq.
 */
class BacklogKillProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern MSG =
      Pattern.compile("\"origin\":\"([0-9a-f]+)\",\"seq\":(\\d+),.*\"text\":\"([^\"]*)\"");

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

  private List<String> history(String nick) {
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new HistoryCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(new StringWriter(), true))
            .execute("--data", tmp.resolve(nick).toString(), "--json");
    assertThat(code).isZero();
    return out.toString().lines().toList();
  }

  @Test
  void aPeerKilledWorkingThroughThirtyThousandPipedLinesLosesNothingItShowedOrSent()
      throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest().with(d -> d.port = 0));
    Chat bob = chat("bob");
    Chat ann = chat("ann");
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"peer-up\"") == 1);
    String id = ann.peerId();
    StringBuilder backlog = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      backlog.append("backlog line ").append(i).append('\n');
    }
    ann.in.print(backlog); // all at once, as a pipe delivers it
    ann.in.flush();
    await().atMost(WAIT).until(() -> ann.count("\"origin\":\"" + id + "\"") >= 300);
    ann.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9 mid-backlog

    Map<Long, String> shown = messagesOf(id, ann.out);
    Map<Long, String> file = messagesOf(id, history("ann"));
    assertThat(shown.size()).isGreaterThanOrEqualTo(300).isLessThan(30_000);
    shown.forEach((seq, text) -> assertThat(file.get(seq)).as("shown #" + seq).isEqualTo(text));
    Map<Long, String> atBob = messagesOf(id, bob.out);
    atBob.forEach((seq, text) -> assertThat(file.get(seq)).as("sent #" + seq).isEqualTo(text));

    Chat again = chat("ann");
    again.in.println("after the kill");
    await().atMost(WAIT).until(() -> bob.count("after the kill") == 1);
    long next = file.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    assertThat(messagesOf(id, again.out)).containsEntry(next, "after the kill");
    assertThat(bob.out).noneMatch(l -> l.contains("\"event\":\"fork\""));
  }
}
