package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.ChatProcesses.Screen;
import meshchat.peer.runtime.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void aPipeInACLocaleShowsEveryControlVisiblyAndKeepsUtf8() throws Exception {
    showsEveryControlVisibly(false);
  }

  @Test
  void jsonInACLocaleEscapesControlsAndKeepsUtf8() throws Exception {
    List<String> cmd = new ArrayList<>(procs.chatCommand("ann"));
    cmd.add("--json");
    Screen out = start(cmd, false);
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
    showsEveryControlVisibly(true);
  }

  private void showsEveryControlVisibly(boolean pty) throws Exception {
    Screen out = start(procs.chatCommand("ann"), pty);
    joinAndSendHostileLines(out, "mal");
    String text = out.text();
    for (String s : SHOWN) {
      assertThat(text).contains(s);
    }
    assertNoControlFromThePeer(out.bytes(), pty);
  }

  private void joinAndSendHostileLines(Screen out, String joined) throws Exception {
    Duration wait = Duration.ofSeconds(30);
    await().atMost(wait).until(() -> out.text().contains("joined") || out.text().contains("ready"));
    PeerNode mallory = procs.peerDialingMembers(HOSTILE_NICK); // the tracker refuses its nick
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
    assertThat(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString())
        .isNotNull();
  }

  /** Runs {@code cmd} in a C locale, through a pipe or on a pty made by script(1). */
  private Screen start(List<String> cmd, boolean pty) throws IOException {
    // a pipe has no size: give the pty one, or JLine squeezes the prompt into no columns
    ProcessBuilder pb = pty ? ChatProcesses.onPty(cmd, 120) : new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    env.put("LC_ALL", "C");
    env.put("TERM", "xterm-256color");
    return procs.screen(pb.redirectErrorStream(true));
  }
}
