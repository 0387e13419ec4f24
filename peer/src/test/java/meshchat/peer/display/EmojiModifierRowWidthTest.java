package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jline.utils.WCWidth;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-3. What is wrong: {@link Rows} counts a line's columns with JLine's {@link
 * WCWidth}, which gives the emoji modifiers U+1F3FB..U+1F3FF (the skin tones, which {@link Visible}
 * lets through as symbols) zero columns, as if they always joined the emoji before them. A modifier
 * that follows no emoji is drawn on its own, two columns wide: East_Asian_Width=W in Unicode's
 * EastAsianWidth.txt, {@code wcwidth()} 2 in glibc, and so in xterm, VTE, tmux and the terminals
 * that cluster graphemes alike (checked here: tmux at 80 columns wraps {@code "12:03 mall: " + 34 ×
 * U+1F3FB + "12:04 alice: ..."} so that its second row reads {@code 12:04 alice: ...} at the left
 * margin). So a text of bare modifiers counts 0 columns, {@code Rows} never cuts the line, the
 * terminal wraps it itself with no hanging indent, and the attacker's next words start a row at the
 * margin as another member's line: rev28 F5's spoof, back (rev29 fixed the same for VS16).
 *
 * <p>Correct behaviour: a modifier that does not follow an emoji base counts two columns (as the
 * terminal draws it), so every row {@code Rows} makes fits the width and no row after the first
 * starts at the margin.
 */
class EmojiModifierRowWidthTest {
  private static final Pattern LOOKS_LIKE_A_LINE = Pattern.compile("^\\d\\d:\\d\\d \\S+: .*");

  @Test
  void aBareEmojiModifierIsTwoColumnsWhenRowsAreCut() {
    String tones = "\uD83C\uDFFB".repeat(34); // U+1F3FB, following no emoji
    String line = Visible.of("12:03 mall: " + tones + "12:04 alice: send it to the new IBAN");
    assertThat(line).as("kept, not escaped").contains("\uD83C\uDFFB");

    List<String> rows = List.of(Rows.of(line, 80).split("\n"));
    List<String> onScreen = new ArrayList<>();
    for (String row : rows) {
      assertThat(drawn(row)).as("columns a terminal draws for %s", row).isLessThan(80);
      onScreen.addAll(wrapped(row, 80));
    }
    assertThat(onScreen.subList(1, onScreen.size()))
        .as("rows of an 80-column terminal after the line's first")
        .noneMatch(r -> LOOKS_LIKE_A_LINE.matcher(r).matches());
  }

  /** Columns as a terminal draws them: a modifier after no emoji base is two (UAX #11 W). */
  private static int drawn(String row) {
    int cols = 0;
    for (int i = 0; i < row.length(); ) {
      int cp = row.codePointAt(i);
      cols += width(cp, i == 0 ? -1 : row.codePointBefore(i));
      i += Character.charCount(cp);
    }
    return cols;
  }

  private static int width(int cp, int prev) {
    boolean modifier = cp >= 0x1F3FB && cp <= 0x1F3FF;
    boolean afterBase = prev >= 0 && Character.getType(prev) == Character.OTHER_SYMBOL;
    return modifier && !afterBase ? 2 : Math.max(0, WCWidth.wcwidth(cp));
  }

  /** The rows a terminal of {@code width} columns shows for {@code row}, wrapping it itself. */
  private static List<String> wrapped(String row, int width) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int used = 0;
    for (int i = 0; i < row.length(); ) {
      int cp = row.codePointAt(i);
      int w = width(cp, i == 0 ? -1 : row.codePointBefore(i));
      if (used + w > width) {
        out.add(cur.toString());
        cur.setLength(0);
        used = 0;
      }
      cur.appendCodePoint(cp);
      used += w;
      i += Character.charCount(cp);
    }
    out.add(cur.toString());
    return out;
  }
}
