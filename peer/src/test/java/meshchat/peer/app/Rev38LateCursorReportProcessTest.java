package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.ChatProcesses.Screen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev38 FINDING-2, end to end: a real chat on a pseudo-terminal (script(1)) whose "terminal" (this
 * test) answers the ambiguous-width probe's cursor position request only after the probe gave up (a
 * slow ssh link). The chat's editor is up by then (its prompt is drawn), so the late report {@code
 * ESC [ 24 ; 2 R} lands in the input, and the line typed next is sent as {@code [24;2Rhello}.
 * Whatever the fix (a key binding, a filter, a longer wait), the line sent must be the one typed.
 */
class Rev38LateCursorReportProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();
  @TempDir Path dir;

  @Test
  void aCursorReportAnsweredAfterTheProbeGaveUpIsNotSentAsText() throws Exception {
    Path data = dir.resolve("ann");
    List<String> cmd =
        ChatProcesses.java("chat", "--nick", "ann", "--no-tracker", "--data", data.toString())
            .command();
    Screen out = procs.screen(ChatProcesses.onPty(cmd, 160));
    Duration wait = ChatProcesses.WAIT;
    // the probe asks; this terminal does not answer in time
    await().atMost(wait).until(() -> out.text().contains("\033[6n"));
    int asked = out.text().indexOf("\033[6n");
    // the editor draws its prompt once the probe has given up
    await().atMost(wait).until(() -> out.text().indexOf("> ", asked) >= 0);
    out.type("\033[24;2R"); // the terminal's answer, late
    out.type("hello\r");
    await()
        .atMost(wait)
        .until(() -> out.text().contains("ann: ") && out.text().contains("hello\r\n"));
    out.type("\u0004"); // Ctrl-D on an empty line
    assertThat(out.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String history = ChatProcesses.history(data, "--json");
    assertThat(history)
        .as("the line stored and sent to the room")
        .contains("\"text\":\"hello\"")
        .doesNotContain("24;2R");
  }
}
