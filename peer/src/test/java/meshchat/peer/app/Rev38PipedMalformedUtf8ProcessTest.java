package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev38: input piped into {@code chat} is decoded as UTF-8 by an {@code InputStreamReader}, which
 * replaces every malformed byte with U+FFFD without a word (LineConsole.run). A script that pipes a
 * Latin-1 file ({@code caf\xe9}) sends and stores {@code caf\uFFFD} in the user's name, signed, for
 * the whole room, exit 0: the line typed is not the line sent, and nothing says so. The promise:
 * bad input gets a one-line error, and nothing is lost (or altered).
 */
class Rev38PipedMalformedUtf8ProcessTest {
  @TempDir Path dir;

  @Test
  void aPipedLineThatIsNotUtf8IsRefusedWithALineNotSentAltered() throws Exception {
    Path data = dir.resolve("ann");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        ChatProcesses.java(
                "chat", "--nick", "ann", "--no-tracker", "--data", data.toString(), "--linger", "0")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.to(err.toFile()))
            .start();
    try (OutputStream in = p.getOutputStream()) {
      // "caf\xe9": a Latin-1 e acute, no UTF-8; then a good line
      in.write(new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n', 'o', 'k', '\n'});
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err);
    String history = ChatProcesses.history(data, "--json");
    assertThat(history).as("the good line is stored").contains("\"ok\"");
    // either refused with a line on stderr, or stored as piped: never altered in silence
    assertThat(history)
        .as("stored and sent altered (U+FFFD for the byte 0xe9); stderr: [%s]", stderr)
        .doesNotContain("\uFFFD")
        .doesNotContain("\\ufffd")
        .doesNotContain("\\uFFFD");
  }
}
