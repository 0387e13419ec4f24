package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.ChatProcesses.Screen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev38 FINDING-4, the terminal's side: on a restarted data dir the first own line waits in the
 * Outbox for the self-fork check (at least 1.5 s offline). A line typed at the terminal and then
 * {@code /quit} within that wait: the editor erased the typed line on Enter, the room never showed
 * it, and leave drops it: lost, with no word (TerminalConsole.run returns, nothing waits).
 */
class Rev38TerminalQuitProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();
  @TempDir Path dir;

  @Test
  void aLineTypedThenQuitRightAfterARestartIsStoredOrToldLost() throws Exception {
    Path data = dir.resolve("ann");
    Process first =
        ChatProcesses.java(
                "chat", "--nick", "ann", "--no-tracker", "--data", data.toString(), "--linger", "0")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (OutputStream in = first.getOutputStream()) {
      in.write("hello\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(ChatProcesses.history(data)).contains("hello");

    List<String> cmd =
        ChatProcesses.java("chat", "--nick", "ann", "--no-tracker", "--data", data.toString())
            .command();
    Screen out = procs.screen(ChatProcesses.onPty(cmd, 160));
    out.type("\033[1;2R"); // answer the probe at once (a narrow terminal): no late report here
    await().atMost(ChatProcesses.WAIT).until(() -> out.text().contains("> "));
    out.type("typed then quit\r");
    out.type("/quit\r");
    assertThat(out.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String screen = out.text();
    String history = ChatProcesses.history(data);
    // stored, or at least the user told it was not: never lost in silence
    if (!history.contains("typed then quit")) {
      assertThat(screen)
          .as("history lacks the typed line (history: [%s]); the screen must say so", history)
          .containsIgnoringCase("not stored");
    }
  }
}
