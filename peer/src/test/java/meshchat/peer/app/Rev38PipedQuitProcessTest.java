package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev38: session 37 made the end of piped input wait until the lines typed are stored (after a
 * restart the first own line waits in the Outbox for the self-fork check), but only the end of
 * input: ChatCommand calls {@code lingered} only when {@code LineConsole.run} returns true (EOF). A
 * script that ends with {@code /quit}, as scripts do, returns false, skips the wait, and leave
 * drops the held lines: every line piped into a restarted peer is lost, exit 0, no word.
 */
class Rev38PipedQuitProcessTest {
  @TempDir Path dir;

  @Test
  void linesPipedIntoARestartedPeerThenQuitAreStoredBeforeItLeaves() throws Exception {
    Path data = dir.resolve("ann");
    Run first = chat(data, "hello\n");
    assertThat(first.exit).as(first.err).isZero();
    Run second = chat(data, "one\ntwo\nthree\n/quit\n");
    String history = ChatProcesses.history(data);
    assertThat(history)
        .as(
            "history after a restarted chat fed one, two, three, /quit (exit %d, stderr [%s])",
            second.exit, second.err)
        .contains("hello", "one", "two", "three");
  }

  private record Run(int exit, String err) {}

  private Run chat(Path data, String input) throws Exception {
    ChatProcesses.Piped p = ChatProcesses.piped(data, input.getBytes(StandardCharsets.UTF_8));
    return new Run(p.exit(), p.err());
  }
}
