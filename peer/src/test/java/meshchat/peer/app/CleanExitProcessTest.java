package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.ChatProcesses.Screen;
import meshchat.peer.runtime.PeerNode;
import meshchat.tracker.ChildJvm;
import meshchat.tracker.TrackerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way a real process can end badly ends in at most one line on stderr that says what failed
 * and why, never a stack trace: signals with open sessions and links, a port in use, a data dir
 * that cannot be used, a host that does not exist.
 */
class CleanExitProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void theTrackerStopsQuietlyOnSigtermWithOpenSessions() throws Exception {
    Process t = procs.spawn(ChildJvm.java(TrackerMain.class, "tracker", "--port", "0"));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(t.getInputStream(), StandardCharsets.UTF_8));
    String listening = out.readLine();
    assertThat(listening).startsWith("tracker listening on ");
    int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
    PeerNode a = procs.peer("ann", port);
    PeerNode b = procs.peer("bob", port);
    await().atMost(WAIT).until(() -> a.members().get().size() == 1 && b.linkCount() == 1);

    t.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its pipes)
    assertThat(t.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertNoTrace(new String(t.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aChatPeerOnATerminalLeavesCleanlyOnSigterm() throws Exception {
    PeerNode ann = procs.peer("ann");
    Screen out = procs.screen(ChatProcesses.onPty(procs.chatCommand("cat"), 120));
    Process script = out.process;
    await().atMost(WAIT).until(() -> ann.linkCount() == 1);
    ProcessHandle java =
        script
            .toHandle()
            .descendants()
            .filter(h -> h.info().command().orElse("").endsWith("java"))
            .findFirst()
            .orElseThrow();
    java.destroy(); // SIGTERM to the peer itself, as kill PID
    assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // it said goodbye (Close LEAVING), so ann drops the link at once, and it unregistered
    await().atMost(WAIT).until(() -> ann.linkCount() == 0);
    await().atMost(WAIT).until(() -> ann.members().get().isEmpty());
    assertNoTrace(out.text());
  }

  @Test
  void aPipedChatPeerLeavesCleanlyOnSigterm() throws Exception {
    PeerNode ann = procs.peer("ann");
    List<String> chat = new ArrayList<>(procs.chatCommand("cat"));
    chat.add("--json");
    Process p = procs.spawn(new ProcessBuilder(chat));
    await().atMost(WAIT).until(() -> ann.linkCount() == 1);
    p.toHandle().destroy();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> ann.linkCount() == 0);
    assertNoTrace(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aPortInUseIsOneLineThatSaysSoAndExitCodeTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.setReuseAddress(false);
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      List<String> chat = procs.chatCommand("cat", 1);
      chat.addAll(List.of("--port", String.valueOf(taken.getLocalPort())));
      String err = failing(chat, 2);
      assertThat(err).contains("cannot listen on").contains("address already in use");
    }
  }

  @Test
  void aDataDirThatCannotBeUsedSaysWhy() throws Exception {
    Path file = procs.dir().resolve("a-file");
    Files.writeString(file, "x");
    List<String> chat = procs.chatCommand("cat", 1);
    chat.set(chat.indexOf("--data") + 1, file.resolve("sub").toString());
    String err = failing(chat, 2);
    assertThat(err).startsWith("meshchat: cannot use data dir " + file.resolve("sub") + ": ");
    assertThat(err.substring(err.lastIndexOf(": ") + 2).strip()).isNotEqualTo(file.toString());
  }

  @Test
  void theTrackerBoundToAnUnknownHostSaysSo() throws Exception {
    List<String> cmd =
        ChildJvm.java(TrackerMain.class, "tracker", "--bind", "no-such-host.invalid", "--port", "0")
            .command();
    String err = failing(cmd, 2);
    assertThat(err).contains("unknown host").doesNotContain("null");
  }

  /** Runs {@code cmd} to its end: exit {@code code}, one line on stderr, no trace. */
  private String failing(List<String> cmd, int code) throws Exception {
    Process p = procs.spawn(new ProcessBuilder(cmd));
    p.getOutputStream().close();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isEqualTo(code);
    assertThat(err.strip().lines()).as(err).hasSize(1);
    assertNoTrace(err);
    return err;
  }

  private static void assertNoTrace(String output) {
    assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
