package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.WCWidth;
import org.junit.jupiter.api.Test;

/**
 * rev36 FINDING-5: the terminal is asked how wide it draws an East Asian "Ambiguous" character (an
 * alpha printed, the cursor position read back), over a real JLine terminal on streams; the answer
 * decides how {@link Rows} counts Greek, Cyrillic, box drawing.
 */
class AmbiguousWidthTest {
  private static Terminal terminal(InputStream in, OutputStream out) throws IOException {
    return TerminalBuilder.builder()
        .system(false)
        .streams(in, out)
        .type("xterm-256color")
        .encoding(StandardCharsets.UTF_8)
        .build();
  }

  /**
   * The screen of a terminal that writes {@code answer} to its input once it is asked for the
   * cursor position (JLine asks the terminal things of its own when built: those go unanswered).
   */
  private static final class Screen extends OutputStream {
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PipedOutputStream keys = new PipedOutputStream();
    private final byte[] answer;
    private boolean answered;

    Screen(String answer) {
      this.answer = answer.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
      printed.write(b);
      if (!answered && text().endsWith("\033[6n")) {
        answered = true;
        keys.write(answer);
        keys.flush();
      }
    }

    synchronized String text() {
      return printed.toString(StandardCharsets.UTF_8);
    }
  }

  private static int probe(String answer) throws IOException {
    Screen screen = new Screen(answer);
    try (PipedInputStream in = new PipedInputStream(screen.keys, 4096);
        Terminal t = terminal(in, screen)) {
      int width = AmbiguousWidth.probe(t, 2_000);
      // the terminal's output is pumped to the screen by a thread of its own
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(screen.text()).as("erased").endsWith("\r\u03b1\033[6n\r\033[K"));
      return width;
    }
  }

  @Test
  void aTerminalWhoseCursorMovedOneColumnDrawsThemNarrow() throws IOException {
    assertThat(probe("\033[24;2R")).isEqualTo(1);
  }

  @Test
  void aTerminalWhoseCursorMovedTwoColumnsDrawsThemWide() throws IOException {
    assertThat(probe("\033[24;3R")).isEqualTo(2);
  }

  @Test
  void keysTypedBeforeTheAnswerAreSkipped() throws IOException {
    assertThat(probe("ab\033[A\033[x;1R\033[7;2R")).isEqualTo(1);
  }

  @Test
  void noAnswerOrAGarbledOneCountsWide() throws IOException {
    assertThat(probe("\033[24;R")).as("no column").isEqualTo(2);
    assertThat(probe("\033[24;99999999999999R")).as("a column out of range").isEqualTo(2);
    Screen silent = new Screen("");
    try (PipedInputStream in = new PipedInputStream(silent.keys);
        Terminal t = terminal(in, silent)) {
      assertThat(AmbiguousWidth.probe(t, 300)).as("a terminal that never answers").isEqualTo(2);
    }
  }

  @Test
  void aDumbTerminalIsNotAskedAndCountsWide() throws IOException {
    Screen screen = new Screen("\033[1;2R");
    try (PipedInputStream in = new PipedInputStream(screen.keys);
        Terminal t =
            TerminalBuilder.builder()
                .system(false)
                .streams(in, screen)
                .type(Terminal.TYPE_DUMB)
                .build()) {
      assertThat(AmbiguousWidth.probe(t, 2_000)).isEqualTo(2);
      t.writer().print("end");
      t.writer().flush();
      await().atMost(Duration.ofSeconds(30)).until(() -> screen.text().endsWith("end"));
    }
    assertThat(screen.text()).doesNotContain("\033[6n");
  }

  @Test
  void theEnvironmentSaysItOutright() {
    assertThat(AmbiguousWidth.override("1")).isEqualTo(1);
    assertThat(AmbiguousWidth.override(" narrow ")).isEqualTo(1);
    assertThat(AmbiguousWidth.override("2")).isEqualTo(2);
    assertThat(AmbiguousWidth.override("WIDE")).isEqualTo(2);
    assertThat(AmbiguousWidth.override(null)).isZero();
    assertThat(AmbiguousWidth.override("3")).isZero();
    assertThat(AmbiguousWidth.override("")).isZero();
  }

  /** The table is Unicode's East Asian Width A, less what WCWidth counts no column. */
  @Test
  void theTableIsUnicodesAmbiguousWidth() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      boolean ambiguous =
          UCharacter.getIntPropertyValue(cp, UProperty.EAST_ASIAN_WIDTH)
                  == UCharacter.EastAsianWidth.AMBIGUOUS
              && WCWidth.wcwidth(cp) == 1;
      if (AmbiguousWidth.isAmbiguous(cp) != ambiguous) {
        assertThat(AmbiguousWidth.isAmbiguous(cp)).as("U+%04X", cp).isEqualTo(ambiguous);
      }
    }
    assertThat(AmbiguousWidth.isAmbiguous('α')).isTrue();
    assertThat(AmbiguousWidth.isAmbiguous('д')).isTrue();
    assertThat(AmbiguousWidth.isAmbiguous('°')).isTrue();
    assertThat(AmbiguousWidth.isAmbiguous('a')).isFalse();
  }
}
