package meshchat.peer.display;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.WCWidth;

/**
 * A line cut into the rows a terminal of a given width shows, every row after the first indented by
 * {@link #INDENT} columns (a hanging indent, as irssi draws): a text cannot pad itself to the
 * terminal's edge and start a row that reads as another member's line ({@code 12:04 alice: ...}) at
 * the left margin where lines start (rev28). Widths are terminal columns ({@link WCWidth}: a wide
 * character takes two, a combining mark none; a symbol with VS16, two).
 */
public final class Rows {
  /** Columns of {@code HH:mm }, where a line's nick starts. */
  static final int INDENT = 6;

  /**
   * Variation selector 16: after a symbol whose default is text (U+263A ☺), it asks for the emoji,
   * which UTS #51 has drawn two columns wide (kitty, WezTerm, iTerm2, Windows Terminal, foot),
   * while {@link WCWidth} counts the pair as the symbol's one: such a pair counts two here (rev29),
   * as a row counted short would be wrapped by the terminal itself, with no indent.
   */
  private static final char VS16 = '\uFE0F';

  /**
   * The emoji skin-tone modifiers U+1F3FB..U+1F3FF: {@link WCWidth} counts them none, while a
   * terminal draws one two columns wide (East Asian Width W, glibc's wcwidth 2) unless it joins a
   * base before it into one glyph. Which bases join depends on the terminal (and after a wide
   * character that is no emoji base, nothing joins), so a modifier always counts two here: a row
   * may end two columns early, but is never drawn wider than counted (rev30: 34 bare modifiers
   * counted none made the terminal wrap the row, and the rest stood at the margin as a line).
   */
  static boolean isSkinTone(int cp) {
    return cp >= 0x1F3FB && cp <= 0x1F3FF;
  }

  /** Narrower than this, lines are left whole (the terminal wraps them). */
  static final int MIN_WIDTH = 2 * INDENT + 8;

  private Rows() {}

  /**
   * {@code line} as rows of at most {@code width - 1} columns (a row that fills the last column
   * would make some terminals wrap once more), joined by newlines; {@code line} itself if it fits
   * or the width is unknown or too small. A character of East Asian Width "Ambiguous" counts two
   * columns here, as a terminal set for CJK draws it ({@link AmbiguousWidth}): on a terminal known
   * to draw it one, use {@link #of(String, int, int)}.
   */
  public static String of(String line, int width) {
    return of(line, width, 2);
  }

  /**
   * As {@link #of(String, int)}, on a terminal that draws a character of East Asian Width
   * "Ambiguous" (Greek, Cyrillic, box drawing, {@code °} ...) {@code ambiguous} columns wide (1 or
   * 2, {@link AmbiguousWidth#of}): counted narrower than drawn, a row would be wrapped by the
   * terminal itself, with no indent, and a text could start a row that reads as another member's
   * line (rev36).
   */
  public static String of(String line, int width, int ambiguous) {
    if (width < MIN_WIDTH) {
      return line;
    }
    int max = width - 1;
    List<String> rows = new ArrayList<>();
    StringBuilder row = new StringBuilder();
    int used = 0;
    for (int i = 0; i < line.length(); ) {
      int cp = line.codePointAt(i);
      int n = Character.charCount(cp);
      int w = Math.max(0, WCWidth.wcwidth(cp));
      if (w == 1 && ambiguous > 1 && AmbiguousWidth.isAmbiguous(cp)) {
        w = 2; // drawn two columns wide on this terminal
      }
      if (isSkinTone(cp)) {
        w = 2; // a modifier no base took (below): drawn two columns wide
      }
      if (i + n < line.length() && line.charAt(i + n) == VS16) {
        n++; // an emoji presentation sequence: drawn two columns wide, and never cut apart
        w = Math.max(2, w);
      }
      if (i + n < line.length() && isSkinTone(line.codePointAt(i + n))) {
        n += 2; // a base and its skin tone: never cut apart, and counted wide (see isSkinTone)
        w += 2;
      }
      if (used + w > max && used > INDENT) {
        rows.add(row.toString());
        row.setLength(0);
        row.append(" ".repeat(INDENT));
        used = INDENT;
      }
      row.append(line, i, i + n);
      used += w;
      i += n;
    }
    if (rows.isEmpty()) {
      return line;
    }
    rows.add(row.toString());
    return String.join("\n", rows);
  }
}
