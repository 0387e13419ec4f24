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
import meshchat.peer.identity.Identity;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerMain;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a real process can end badly ends in at most one line on stderr that says what failed
 * and why, never a stack trace: signals with open sessions and links, a port in use, a data dir
 * that cannot be used, a host that does not exist.
 */
class CleanExitProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  @TempDir Path tmp;
  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private PeerGroups groups;

  @AfterEach
  void stopAll() throws Exception {
    processes.forEach(Process::destroyForcibly);
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void theTrackerStopsQuietlyOnSigtermWithOpenSessions() throws Exception {
    Process t = start(CliProcessTest.java().command(), TrackerMain.class, "--port", "0");
    BufferedReader out =
        new BufferedReader(new InputStreamReader(t.getInputStream(), StandardCharsets.UTF_8));
    String listening = out.readLine();
    assertThat(listening).startsWith("tracker listening on ");
    int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
    PeerNode a = peer("ann", port);
    PeerNode b = peer("bob", port);
    await().atMost(WAIT).until(() -> a.members().get().size() == 1 && b.linkCount() == 1);

    t.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its pipes)
    assertThat(t.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertNoTrace(new String(t.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aChatPeerOnATerminalLeavesCleanlyOnSigterm() throws Exception {
    TrackerServer tracker = TrackerServer.start(TrackerConfig.localTest());
    closing.add(tracker);
    int port = tracker.localAddress().getPort();
    PeerNode ann = peer("ann", port);
    List<String> chat = chat("cat", port);
    StringBuilder line = new StringBuilder("stty cols 120 rows 40; exec");
    for (String a : chat) {
      line.append(" '").append(a).append('\'');
    }
    Process script = new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null").start();
    processes.add(script);
    TerminalSafetyProcessTest.Output out = new TerminalSafetyProcessTest.Output(script);
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
    TrackerServer tracker = TrackerServer.start(TrackerConfig.localTest());
    closing.add(tracker);
    int port = tracker.localAddress().getPort();
    PeerNode ann = peer("ann", port);
    List<String> chat = chat("cat", port);
    chat.add("--json");
    Process p = new ProcessBuilder(chat).start();
    processes.add(p);
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
      List<String> chat = chat("cat", 1);
      chat.addAll(List.of("--port", String.valueOf(taken.getLocalPort())));
      String err = failing(chat, 2);
      assertThat(err).contains("cannot listen on").contains("address already in use");
    }
  }

  @Test
  void aDataDirThatCannotBeUsedSaysWhy() throws Exception {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    List<String> chat = chat("cat", 1);
    chat.set(chat.indexOf("--data") + 1, file.resolve("sub").toString());
    String err = failing(chat, 2);
    assertThat(err).startsWith("meshchat: cannot use data dir " + file.resolve("sub") + ": ");
    assertThat(err.substring(err.lastIndexOf(": ") + 2).strip()).isNotEqualTo(file.toString());
  }

  @Test
  void theTrackerBoundToAnUnknownHostSaysSo() throws Exception {
    List<String> cmd = new ArrayList<>(CliProcessTest.java().command());
    cmd.set(cmd.size() - 1, TrackerMain.class.getName());
    cmd.addAll(List.of("tracker", "--bind", "no-such-host.invalid", "--port", "0"));
    String err = failing(cmd, 2);
    assertThat(err).contains("unknown host").doesNotContain("null");
  }

  /** Runs {@code cmd} to its end: exit {@code code}, one line on stderr, no trace. */
  private String failing(List<String> cmd, int code) throws Exception {
    Process p = new ProcessBuilder(cmd).start();
    processes.add(p);
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

  private Process start(List<String> javaCmd, Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(javaCmd);
    cmd.set(cmd.size() - 1, main.getName());
    cmd.add("tracker");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    processes.add(p);
    return p;
  }

  private List<String> chat(String nick, int trackerPort) {
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
    return cmd;
  }

  private PeerNode peer(String nick, int trackerPort) throws Exception {
    if (groups == null) {
      groups = PeerGroups.create(1, 1);
      closing.add(groups);
    }
    PeerConfig c =
        PeerConfig.of("lobby", nick, Identity.generate())
            .withTracker(new InetSocketAddress("127.0.0.1", trackerPort), false)
            .withTrackerRetry(50, 500);
    PeerNode n = NodeAssembly.start(c, new InMemoryMessageStore(), groups, new PeerListener() {});
    closing.add(n);
    return n;
  }
}
