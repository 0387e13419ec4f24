package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real chat process logs through its own provider ({@link ChatLogging}): its lines reach {@code
 * <data>/peer.log} in the chat's format, and nothing of logging (SLF4J's notices among it) reaches
 * the terminal, although logback is on the same class path.
 */
class PeerLogProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void aChatLogsToItsDataDirAndNotToTheTerminal() throws Exception {
    Path data = procs.dir().resolve("bot");
    Path err = procs.dir().resolve("bot.err");
    Process bot =
        procs.spawn(
            ChatProcesses.java(
                    "chat",
                    "--json",
                    "--no-tracker",
                    "--linger",
                    "0",
                    "--nick",
                    "bot",
                    "--data",
                    data.toString())
                .redirectError(err.toFile()));
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(bot.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = out.readLine()) != null; ) {
        if (l.contains("\"event\":\"ready\"")) {
          break;
        }
      }
      bot.getOutputStream().close(); // the end of piped input: it leaves
      assertThat(bot.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(err)).isEmpty();
    assertThat(Files.readAllLines(data.resolve("peer.log")))
        .anyMatch(
            l ->
                l.matches(
                    "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  PeerNode \\[[0-9a-f]+\\]"
                        + " listening on .* in room 'lobby'"));
  }
}
