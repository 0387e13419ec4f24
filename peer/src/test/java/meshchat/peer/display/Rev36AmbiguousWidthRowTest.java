package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import org.jline.utils.WCWidth;
import org.junit.jupiter.api.Test;

/**
 * rev36. security.md: "on a terminal every row after a line's first is indented by six columns, so
 * a text padded to the terminal's edge cannot start a row that reads as `12:04 alice: ...` at the
 * margin where lines start". That holds only while Rows counts a row as wide as the terminal draws
 * it (rev29 VS16, rev30 skin tones: "a row may end two columns early, but is never drawn wider than
 * counted"). Characters of East Asian Width "Ambiguous" (all Greek and Cyrillic letters, box
 * drawing, '°', '×', '·' ...) are counted one column (WCWidth), but a terminal set for CJK
 * (gnome-terminal/VTE "Ambiguous-width characters: Wide", iTerm2's "double width" option, PuTTY's
 * and mintty's CJK options) draws them two: eve's 34 Greek letters, a space and "12:05 alice: the
 * meeting moved to room 4" fit Rows' first row as counted (79 columns), are drawn 113 wide, and the
 * terminal's own wrap puts "12:05 alice: the meeting moved to" at the margin, unindented.
 *
 * <p>Fixed: Rows counts an ambiguous character two columns unless the terminal is known to draw it
 * one (AmbiguousWidth: asked at start, or MESHCHAT_AMBIGUOUS_WIDTH); on such a terminal a Greek row
 * is not cut early.
 */
class Rev36AmbiguousWidthRowTest {
  private static final int WIDTH = 80;

  /** Columns a CJK-ambiguous-wide terminal draws: WCWidth, but Greek letters two. */
  private static int drawn(String row) {
    int w = 0;
    for (int i = 0; i < row.length(); ) {
      int cp = row.codePointAt(i);
      i += Character.charCount(cp);
      w += (cp >= 0x0391 && cp <= 0x03C9) ? 2 : Math.max(0, WCWidth.wcwidth(cp));
    }
    return w;
  }

  /** The terminal's own lines for {@code rows}: each row wrapped at WIDTH drawn columns. */
  private static java.util.List<String> terminalLines(String rows) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String row : rows.split("\n")) {
      StringBuilder line = new StringBuilder();
      int used = 0;
      for (int i = 0; i < row.length(); ) {
        int cp = row.codePointAt(i);
        i += Character.charCount(cp);
        int w = drawn(new String(Character.toChars(cp)));
        if (used + w > WIDTH) {
          out.add(line.toString());
          line.setLength(0);
          used = 0;
        }
        line.appendCodePoint(cp);
        used += w;
      }
      out.add(line.toString());
    }
    return out;
  }

  @Test
  void noRowIsDrawnWiderThanTheTerminalOnAnAmbiguousWideTerminal() {
    noRowIsDrawnWider(Rows.of(LINE, WIDTH, 2));
  }

  @Test
  void withTheTerminalUnknownAnAmbiguousCharacterCountsWide() {
    noRowIsDrawnWider(Rows.of(LINE, WIDTH));
  }

  @Test
  void onATerminalThatDrawsThemNarrowAGreekRowIsNotCutEarly() {
    String greek = "12:04 eve: " + "α".repeat(60);
    assertThat(Rows.of(greek, WIDTH, 1)).as("71 columns on a narrow terminal").isEqualTo(greek);
    assertThat(Rows.of(greek, WIDTH, 2)).as("cut where a wide terminal would wrap").contains("\n");
  }

  /** eve's text: 34 Greek letters (drawn 68 columns there), a space, then alice's "line". */
  private static final String LINE =
      "12:04 eve: " + "α".repeat(34) + " 12:05 alice: the meeting moved to room 4";

  private static void noRowIsDrawnWider(String rows) {
    for (String terminalLine : terminalLines(rows).subList(1, terminalLines(rows).size())) {
      assertThat(terminalLine)
          .as("a line the terminal shows after eve's first")
          .doesNotStartWith("12:05");
    }
    for (String row : rows.split("\n")) {
      assertThat(drawn(row)).as("columns drawn of the row %s", row).isLessThan(WIDTH);
    }
  }
}
