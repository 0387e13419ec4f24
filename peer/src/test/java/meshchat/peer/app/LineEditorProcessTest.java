package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.identity.Identity;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat on a real pseudo-terminal (script(1)), typed at as a person would: Ctrl-C clears a
 * draft, commands ignore case, {@code //} escapes a slash, Tab completes commands and nicks, own
 * lines are shown once, /peers prints clean addresses, history survives, Ctrl-D leaves.
 */
class LineEditorProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path tmp;
  private TrackerServer tracker;
  private PeerGroups groups;
  private PeerNode ann;
  private Process script;

  @AfterEach
  void stop() {
    if (script != null) {
      script.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
    if (ann != null) {
      ann.close();
    }
    if (groups != null) {
      groups.close();
    }
    if (tracker != null) {
      tracker.close();
    }
  }

  @Test
  void typingAtTheTerminalBehavesLikeAShell() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    TerminalSafetyProcessTest.Output out = startOnPty("cat", port);
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("joined room"));
    groups = PeerGroups.create(1, 1);
    ann =
        NodeAssembly.start(
            PeerConfig.of("lobby", "annabel", Identity.generate())
                .withTracker(new InetSocketAddress("127.0.0.1", port), false)
                .withTrackerRetry(50, 500),
            new InMemoryMessageStore(),
            groups,
            new PeerListener() {});
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("annabel ("));

    // a draft, then Ctrl-C: the draft is gone and the chat goes on. Each key waits for the
    // editor to have taken the one before, as a person's typing does: on INTR the tty discards
    // input the editor has not read yet, and keys sent before the signal lands join the draft.
    type(out, "half a thought");
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("half a thought"));
    int before = out.text().length();
    type(out, "\u0003");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String after = out.text().substring(before);
              int prompt = after.lastIndexOf("] > ");
              return prompt >= 0 && !after.substring(prompt).contains("half a thought");
            });
    type(out, "/NICK zed\r");
    // a signed nick change, shown as the room shows it
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(out.text()).contains("* cat (").contains(") is now known as zed"));
    assertThat(out.text()).doesNotContain("half a thought\r\n");

    type(out, "hello once\r");
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("zed: hello once"));
    // the typed line is erased on Enter, so the only line left is the room's formatted one
    assertThat(out.text()).doesNotContainPattern("> hello once\r?\n");

    type(out, "//etc/hosts is a path\r");
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(out.text()).contains("zed: /etc/hosts is a path"));

    type(out, "ann\thi\r"); // Tab completes the nick, with ": " after it
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("zed: annabel: hi"));

    type(out, "/pee\t\r"); // and the command
    await()
        .atMost(WAIT)
        .until(() -> out.text().matches("(?s).*annabel +[0-9a-f]{8}  127\\.0\\.0\\.1:\\d+.*"));
    assertThat(out.text()).doesNotContain(" /127.0.0.1");

    type(out, "\u0004"); // Ctrl-D on an empty line
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.text()).doesNotContain("Exception");
    List<String> history = Files.readAllLines(tmp.resolve("cat").resolve("input-history"));
    assertThat(String.join("\n", history)).contains("hello once").contains("/NICK zed");
  }

  @Test
  void ctrlCOnAnEmptyLineQuits() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    TerminalSafetyProcessTest.Output out = startOnPty("cat", tracker.localAddress().getPort());
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("joined room"));
    type(out, "\u0003");
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.text()).doesNotContain("Exception");
  }

  private static void type(TerminalSafetyProcessTest.Output out, String keys) throws IOException {
    out.stdin.write(keys.getBytes(StandardCharsets.UTF_8));
    out.stdin.flush();
  }

  private TerminalSafetyProcessTest.Output startOnPty(String nick, int trackerPort)
      throws IOException {
    List<String> cmd = new ArrayList<>(CliProcessTest.java().command());
    cmd.addAll(
        List.of(
            "chat",
            "--no-lan",
            "--nick",
            nick,
            "--tracker",
            "127.0.0.1:" + trackerPort,
            "--data",
            tmp.resolve(nick).toString()));
    StringBuilder line = new StringBuilder("stty cols 160 rows 40; exec");
    for (String a : cmd) {
      line.append(" '").append(a).append('\'');
    }
    ProcessBuilder pb = new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null");
    pb.environment().put("TERM", "xterm-256color");
    pb.redirectErrorStream(true);
    script = pb.start();
    return new TerminalSafetyProcessTest.Output(script);
  }
}
