package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile peer sends a title change (OSC 0), an erase-and-forge (CSI 2K + CR), a bidi override
 * and a nick full of escapes; the real chat CLI, in a C locale, shows all of them visibly and keeps
 * UTF-8 text intact: through a pipe, as JSON, and on a pseudo-terminal through JLine.
 */
class TerminalSafetyProcessTest {
  static final String HOSTILE_NICK = "\u001b]0;pwned\u0007mal";
  static final List<String> HOSTILE =
      List.of(
          "\u001b]0;owned\u0007title",
          "\u001b[2K\rbob: forged line",
          "abc\u202Eexe.txt",
          "héllo 日本語 👩‍💻");
  static final List<String> SHOWN =
      List.of(
          "\\e]0;owned\\x07title",
          "\\e[2K\\rbob: forged line",
          "abc<U+202E>exe.txt",
          "héllo 日本語 👩‍💻",
          "\\e]0;pwned\\x07mal");

  @TempDir Path tmp;
  private TrackerServer tracker;
  private PeerGroups groups;
  private PeerNode mallory;
  private Process process;

  @BeforeEach
  void startTracker() throws IOException {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    groups = PeerGroups.create(1, 1);
  }

  @AfterEach
  void stopAll() {
    if (process != null) {
      process.destroyForcibly();
    }
    if (mallory != null) {
      mallory.close();
    }
    groups.close();
    tracker.close();
  }

  @Test
  void aPipeInACLocaleShowsEveryControlVisiblyAndKeepsUtf8() throws Exception {
    Output out = start(chatCommand("ann"), false);
    joinAndSendHostileLines(out, "mal");
    String text = out.text();
    for (String s : SHOWN) {
      assertThat(text).contains(s);
    }
    assertNoControlFromThePeer(out.bytes(), false);
  }

  @Test
  void jsonInACLocaleEscapesControlsAndKeepsUtf8() throws Exception {
    List<String> cmd = chatCommand("ann");
    cmd.add("--json");
    Output out = start(cmd, false);
    joinAndSendHostileLines(out, "peer-up");
    String text = out.text();
    assertThat(text)
        .contains("\\u001b]0;owned\\u0007title")
        .contains("\\u001b[2K\\rbob: forged line")
        .contains("abc\\u202eexe.txt")
        .contains("héllo 日本語 👩‍💻");
    assertNoControlFromThePeer(out.bytes(), false);
  }

  @Test
  void aTerminalThroughJLineShowsEveryControlVisibly() throws Exception {
    Output out = start(chatCommand("ann"), true);
    joinAndSendHostileLines(out, "mal");
    String text = out.text();
    for (String s : SHOWN) {
      assertThat(text).contains(s);
    }
    assertNoControlFromThePeer(out.bytes(), true);
  }

  private void joinAndSendHostileLines(Output out, String joined) throws Exception {
    Duration wait = Duration.ofSeconds(30);
    await().atMost(wait).until(() -> out.text().contains("joined") || out.text().contains("ready"));
    PeerConfig c =
        PeerConfig.of("lobby", HOSTILE_NICK, Identity.generate())
            .withTracker(
                new InetSocketAddress("127.0.0.1", tracker.localAddress().getPort()), false)
            .withTrackerRetry(50, 500);
    mallory = NodeAssembly.start(c, new InMemoryMessageStore(), groups, new PeerListener() {});
    await().atMost(wait).until(() -> mallory.linkCount() == 1);
    await().atMost(wait).until(() -> out.text().contains(joined));
    for (String h : HOSTILE) {
      mallory.send(h).get(10, TimeUnit.SECONDS);
    }
    await().atMost(wait).until(() -> out.text().contains("日本語 👩‍💻"));
  }

  /** Neither the peer's OSC, nor its CR, nor its bidi override reached the output raw. */
  private static void assertNoControlFromThePeer(byte[] bytes, boolean terminal) throws Exception {
    String s = new String(bytes, StandardCharsets.UTF_8);
    assertThat(s).doesNotContain("\u001b]0;").doesNotContain("\u202E");
    assertThat(s).doesNotContain("\rbob: forged").doesNotContain("\u0007");
    if (!terminal) { // JLine draws its own prompt with escapes; a pipe carries none at all
      assertThat(s.chars()).noneMatch(c -> c == 0x1b || c == '\r');
    }
    // valid UTF-8 throughout, although the locale is C
    assertThat(
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString())
        .isNotNull();
  }

  private List<String> chatCommand(String nick) {
    List<String> cmd = new ArrayList<>(CliProcessTest.java().command());
    cmd.addAll(
        List.of(
            "chat",
            "--no-lan",
            "--nick",
            nick,
            "--tracker",
            "127.0.0.1:" + tracker.localAddress().getPort(),
            "--data",
            tmp.resolve(nick).toString()));
    return cmd;
  }

  /** Runs {@code cmd} in a C locale, through a pipe or on a pty made by script(1). */
  private Output start(List<String> cmd, boolean pty) throws IOException {
    ProcessBuilder pb;
    if (pty) {
      // a pipe has no size: give the pty one, or JLine squeezes the prompt into no columns
      StringBuilder line = new StringBuilder("stty cols 120 rows 40; exec");
      for (String a : cmd) {
        line.append(" '").append(a.replace("'", "'\\''")).append('\'');
      }
      pb = new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null");
    } else {
      pb = new ProcessBuilder(cmd);
    }
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    env.put("LC_ALL", "C");
    env.put("TERM", "xterm-256color");
    pb.redirectErrorStream(true);
    process = pb.start();
    return new Output(process);
  }

  /** Everything the process prints, collected by a daemon thread. */
  static final class Output {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    final OutputStream stdin;

    Output(Process p) {
      stdin = p.getOutputStream();
      Thread t =
          new Thread(
              () -> {
                byte[] b = new byte[8192];
                try (InputStream in = p.getInputStream()) {
                  for (int n; (n = in.read(b)) > 0; ) {
                    synchronized (buf) {
                      buf.write(b, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
      t.setDaemon(true);
      t.start();
    }

    byte[] bytes() {
      synchronized (buf) {
        return buf.toByteArray();
      }
    }

    String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }
  }
}
