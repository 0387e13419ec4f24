package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.ChatProcesses.Screen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat on a real pseudo-terminal (script(1)), typed at as a person would: Ctrl-C clears a
 * draft, commands ignore case, {@code //} escapes a slash, Tab completes commands and nicks, own
 * lines are shown once, /peers prints clean addresses, history survives, Ctrl-D leaves.
 */
class LineEditorProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void typingAtTheTerminalBehavesLikeAShell() throws Exception {
    Screen out = startOnPty("cat");
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("joined room"));
    procs.peer("annabel");
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("annabel ("));
    // Type only once the editor shows its prompt: "is here" is printed whether or not the editor
    // is reading yet, and on a loaded box its first line can come later. Until then the tty is in
    // cooked mode: it echoes the draft itself (so the draft seemed taken), and Ctrl-C is the JVM's
    // default SIGINT, which kills the chat. The editor takes SIGINT over and enters raw mode
    // before it draws a prompt, so a prompt says it is there; this one also has the new peer
    // count, so that redraw cannot land between the draft and Ctrl-C.
    String prompt = "[lobby · 1 peer] > ";
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains(prompt));

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
              int fresh = after.lastIndexOf(prompt);
              return fresh >= 0 && !after.substring(fresh).contains("half a thought");
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
    assertThat(out.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.text()).doesNotContain("Exception");
    List<String> history = Files.readAllLines(procs.dir().resolve("cat").resolve("input-history"));
    assertThat(String.join("\n", history)).contains("hello once").contains("/NICK zed");
  }

  @Test
  void ctrlCOnAnEmptyLineQuits() throws Exception {
    Screen out = startOnPty("cat");
    // the prompt: the editor reads, and Ctrl-C is its own (before, SIGINT killed the JVM, which
    // also ended the process, so this test could not fail)
    await().atMost(WAIT).untilAsserted(() -> assertThat(out.text()).contains("] > "));
    type(out, "\u0003");
    assertThat(out.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.process.exitValue()).as("left as the editor quits, not killed").isZero();
    assertThat(out.text()).doesNotContain("Exception");
  }

  private static void type(Screen out, String keys) throws IOException {
    out.type(keys);
  }

  private Screen startOnPty(String nick) throws IOException {
    return procs.screen(ChatProcesses.onPty(procs.chatCommand(nick), 160));
  }
}
