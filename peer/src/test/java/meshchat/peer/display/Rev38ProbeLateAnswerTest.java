package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/**
 * rev38: the ambiguous-width probe waits {@link AmbiguousWidth#PROBE_MILLIS} for the terminal's
 * cursor report and then gives up, but the request stays asked: a terminal that answers later (an
 * ssh link with more than a second of round trip, a loaded box) writes {@code ESC [ r ; c R} into
 * the input after the probe stopped reading, and the chat's line editor takes it for typed keys:
 * the first line the user types and sends carries the terminal's report to the whole room.
 */
class Rev38ProbeLateAnswerTest {
  @Test
  void aCursorReportThatComesAfterTheProbeGaveUpIsNotTypedIntoTheFirstLine() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (PipedInputStream in = new PipedInputStream(keys, 4096);
        Terminal t =
            TerminalBuilder.builder()
                .system(false)
                .streams(in, screen)
                .type("xterm-256color")
                .encoding(StandardCharsets.UTF_8)
                .build()) {
      // the terminal is slow: no answer within the probe's time
      AmbiguousWidth.Asked asked = AmbiguousWidth.ask(t, 200);
      assertThat(asked.columns()).isEqualTo(2);
      assertThat(asked.unanswered()).isTrue();
      // its answer comes now, then the user types a line (as TerminalConsole builds its editor
      // right after the probe, and takes the first line it reads without a report at its start)
      LineReader reader = LineReaderBuilder.builder().terminal(t).build();
      keys.write("\033[24;2R".getBytes(StandardCharsets.UTF_8));
      keys.write("hello\r".getBytes(StandardCharsets.UTF_8));
      keys.flush();
      String line = AmbiguousWidth.withoutLateReport(reader.readLine("> "));
      assertThat(line).as("the line the user typed, as it would be sent").isEqualTo("hello");
    }
  }

  @Test
  void onlyAReportAtTheLinesStartIsTakenOff() {
    assertThat(AmbiguousWidth.withoutLateReport("[3;14Rhi")).isEqualTo("hi");
    assertThat(AmbiguousWidth.withoutLateReport("\033[3;14Rhi")).isEqualTo("hi");
    assertThat(AmbiguousWidth.withoutLateReport("see [3;14R")).isEqualTo("see [3;14R");
    assertThat(AmbiguousWidth.withoutLateReport("[1;2] hi")).isEqualTo("[1;2] hi");
    assertThat(AmbiguousWidth.withoutLateReport("[1234567890;2Rx")).isEqualTo("[1234567890;2Rx");
  }
}
