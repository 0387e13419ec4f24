package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import meshchat.peer.display.LineConsole;
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
    // "caf\xe9": a Latin-1 e acute, no UTF-8; then a good line
    Run run = chat(new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n', 'o', 'k', '\n'});
    assertThat(run.history).as("the good line is stored").contains("\"ok\"");
    // refused with a line, never stored altered in silence
    assertThat(run.history)
        .as("stored and sent altered (U+FFFD for the byte 0xe9); stderr: [%s]", run.err)
        .doesNotContain("\uFFFD")
        .doesNotContain("\\ufffd")
        .doesNotContain("\\uFFFD")
        .doesNotContain("caf");
    assertThat(run.out).contains("error: line 1 of the input is not UTF-8; not sent");
    assertThat(run.err.strip())
        .isEqualTo(
            "meshchat: 1 line of the input not sent (not UTF-8, or longer than 1 MiB): see the"
                + " errors above");
    assertThat(run.exit).isEqualTo(2);
  }

  @Test
  void aPipedLineLongerThanTheBoundIsRefusedWholeAndTheNextLinesAreRead() throws Exception {
    byte[] input = new byte[LineConsole.MAX_LINE_BYTES + 1 + "\r\nok\r\nfine".length()];
    Arrays.fill(input, 0, LineConsole.MAX_LINE_BYTES + 1, (byte) 'a');
    byte[] tail = "\r\nok\r\nfine".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tail, 0, input, LineConsole.MAX_LINE_BYTES + 1, tail.length);
    Run run = chat(input);
    assertThat(run.out).contains("error: line 1 of the input is longer than 1 MiB; not sent");
    // CR LF ends a line as LF does, and the last line needs no newline
    assertThat(run.history).contains("\"text\":\"ok\"", "\"text\":\"fine\"").doesNotContain("aaaa");
    assertThat(run.exit).as(run.err).isEqualTo(2);
  }

  private record Run(int exit, String out, String err, String history) {}

  private Run chat(byte[] input) throws Exception {
    Path data = dir.resolve("ann");
    ChatProcesses.Piped p = ChatProcesses.piped(data, input);
    return new Run(p.exit(), p.out(), p.err(), ChatProcesses.history(data, "--json"));
  }
}
