package meshchat.peer.display;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;

/**
 * How many columns the terminal draws a character of East Asian Width "Ambiguous" in (UAX #11:
 * every Greek and Cyrillic letter, box drawing, {@code °}, {@code ×}, {@code é} ...): one on most
 * terminals, two on one set for CJK (VTE "Ambiguous-width characters: Wide", iTerm2's "treat
 * ambiguous-width characters as double width", PuTTY's and mintty's CJK options). {@link Rows} must
 * count a row as wide as the terminal draws it, or the terminal wraps the row itself and a text can
 * start a row at the margin that reads as another member's line (rev36 FINDING-5).
 *
 * <p>Learned at start: {@link #override} ({@value #ENV}=1 or 2) if set, else the terminal is asked
 * ({@link #probe}: an ambiguous character is printed at the line's start and the cursor position
 * read back); when it does not answer, two (a row may end early, but is never drawn wider than
 * counted).
 */
public final class AmbiguousWidth {
  /** The environment variable that says the width outright: {@code 1} or {@code 2}. */
  public static final String ENV = "MESHCHAT_AMBIGUOUS_WIDTH";

  /** What the probe prints: U+03B1 GREEK SMALL LETTER ALPHA, East Asian Width A. */
  static final String PROBE = "\u03b1";

  /** How long the terminal has to answer the cursor position request. */
  static final long PROBE_MILLIS = 1_000;

  /**
   * The code points of East Asian Width A that {@link org.jline.utils.WCWidth} counts one column,
   * as inclusive ranges (first, last, first, last ...), from Unicode 16 (ICU 77's property data;
   * AmbiguousWidthTableTest checks the table against it). Ambiguous marks WCWidth counts none
   * (combining marks, variation selectors) stay none: they draw on the character before.
   */
  private static final int[] RANGES = {
    0x00A1, 0x00A1, 0x00A4, 0x00A4, 0x00A7, 0x00A8, 0x00AA, 0x00AA, 0x00AD, 0x00AE,
    0x00B0, 0x00B4, 0x00B6, 0x00BA, 0x00BC, 0x00BF, 0x00C6, 0x00C6, 0x00D0, 0x00D0,
    0x00D7, 0x00D8, 0x00DE, 0x00E1, 0x00E6, 0x00E6, 0x00E8, 0x00EA, 0x00EC, 0x00ED,
    0x00F0, 0x00F0, 0x00F2, 0x00F3, 0x00F7, 0x00FA, 0x00FC, 0x00FC, 0x00FE, 0x00FE,
    0x0101, 0x0101, 0x0111, 0x0111, 0x0113, 0x0113, 0x011B, 0x011B, 0x0126, 0x0127,
    0x012B, 0x012B, 0x0131, 0x0133, 0x0138, 0x0138, 0x013F, 0x0142, 0x0144, 0x0144,
    0x0148, 0x014B, 0x014D, 0x014D, 0x0152, 0x0153, 0x0166, 0x0167, 0x016B, 0x016B,
    0x01CE, 0x01CE, 0x01D0, 0x01D0, 0x01D2, 0x01D2, 0x01D4, 0x01D4, 0x01D6, 0x01D6,
    0x01D8, 0x01D8, 0x01DA, 0x01DA, 0x01DC, 0x01DC, 0x0251, 0x0251, 0x0261, 0x0261,
    0x02C4, 0x02C4, 0x02C7, 0x02C7, 0x02C9, 0x02CB, 0x02CD, 0x02CD, 0x02D0, 0x02D0,
    0x02D8, 0x02DB, 0x02DD, 0x02DD, 0x02DF, 0x02DF, 0x0391, 0x03A1, 0x03A3, 0x03A9,
    0x03B1, 0x03C1, 0x03C3, 0x03C9, 0x0401, 0x0401, 0x0410, 0x044F, 0x0451, 0x0451,
    0x2010, 0x2010, 0x2013, 0x2016, 0x2018, 0x2019, 0x201C, 0x201D, 0x2020, 0x2022,
    0x2024, 0x2027, 0x2030, 0x2030, 0x2032, 0x2033, 0x2035, 0x2035, 0x203B, 0x203B,
    0x203E, 0x203E, 0x2074, 0x2074, 0x207F, 0x207F, 0x2081, 0x2084, 0x20AC, 0x20AC,
    0x2103, 0x2103, 0x2105, 0x2105, 0x2109, 0x2109, 0x2113, 0x2113, 0x2116, 0x2116,
    0x2121, 0x2122, 0x2126, 0x2126, 0x212B, 0x212B, 0x2153, 0x2154, 0x215B, 0x215E,
    0x2160, 0x216B, 0x2170, 0x2179, 0x2189, 0x2189, 0x2190, 0x2199, 0x21B8, 0x21B9,
    0x21D2, 0x21D2, 0x21D4, 0x21D4, 0x21E7, 0x21E7, 0x2200, 0x2200, 0x2202, 0x2203,
    0x2207, 0x2208, 0x220B, 0x220B, 0x220F, 0x220F, 0x2211, 0x2211, 0x2215, 0x2215,
    0x221A, 0x221A, 0x221D, 0x2220, 0x2223, 0x2223, 0x2225, 0x2225, 0x2227, 0x222C,
    0x222E, 0x222E, 0x2234, 0x2237, 0x223C, 0x223D, 0x2248, 0x2248, 0x224C, 0x224C,
    0x2252, 0x2252, 0x2260, 0x2261, 0x2264, 0x2267, 0x226A, 0x226B, 0x226E, 0x226F,
    0x2282, 0x2283, 0x2286, 0x2287, 0x2295, 0x2295, 0x2299, 0x2299, 0x22A5, 0x22A5,
    0x22BF, 0x22BF, 0x2312, 0x2312, 0x2460, 0x24E9, 0x24EB, 0x254B, 0x2550, 0x2573,
    0x2580, 0x258F, 0x2592, 0x2595, 0x25A0, 0x25A1, 0x25A3, 0x25A9, 0x25B2, 0x25B3,
    0x25B6, 0x25B7, 0x25BC, 0x25BD, 0x25C0, 0x25C1, 0x25C6, 0x25C8, 0x25CB, 0x25CB,
    0x25CE, 0x25D1, 0x25E2, 0x25E5, 0x25EF, 0x25EF, 0x2605, 0x2606, 0x2609, 0x2609,
    0x260E, 0x260F, 0x261C, 0x261C, 0x261E, 0x261E, 0x2640, 0x2640, 0x2642, 0x2642,
    0x2660, 0x2661, 0x2663, 0x2665, 0x2667, 0x266A, 0x266C, 0x266D, 0x266F, 0x266F,
    0x269E, 0x269F, 0x26BF, 0x26BF, 0x26C6, 0x26CD, 0x26CF, 0x26D3, 0x26D5, 0x26E1,
    0x26E3, 0x26E3, 0x26E8, 0x26E9, 0x26EB, 0x26F1, 0x26F4, 0x26F4, 0x26F6, 0x26F9,
    0x26FB, 0x26FC, 0x26FE, 0x26FF, 0x273D, 0x273D, 0x2776, 0x277F, 0x2B56, 0x2B59,
    0x3248, 0x324F, 0xE000, 0xF8FF, 0xFFFD, 0xFFFD, 0x1F100, 0x1F10A, 0x1F110, 0x1F12D,
    0x1F130, 0x1F169, 0x1F170, 0x1F18D, 0x1F18F, 0x1F190, 0x1F19B, 0x1F1AC, 0xF0000, 0xFFFFD,
    0x100000, 0x10FFFD
  };

  private AmbiguousWidth() {}

  /** Whether {@code cp} is of East Asian Width A and counted one column by WCWidth. */
  public static boolean isAmbiguous(int cp) {
    int i = Arrays.binarySearch(RANGES, cp);
    // found: a range's first or last; else the insertion point is odd inside a range
    return i >= 0 || ((-i - 1) & 1) == 1;
  }

  /** The code point ranges of {@link #isAmbiguous}, for the table's test. */
  static int[] ranges() {
    return RANGES.clone();
  }

  /**
   * The width {@code value} (the environment variable's) says outright: 1 or 2, or 0 when it is
   * unset or says something else (then the terminal is asked).
   */
  public static int override(String value) {
    if (value == null) {
      return 0;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "1", "narrow" -> 1;
      case "2", "wide" -> 2;
      default -> 0;
    };
  }

  /** The width the environment says ({@value #ENV}), or 0. */
  public static int override() {
    return override(System.getenv(ENV));
  }

  /**
   * The columns {@code terminal} draws an ambiguous character in: 1 or 2, the override if set; two
   * when the terminal cannot be asked (a dumb terminal) or does not answer in time. Prints the
   * probe at the start of the current line and erases it again.
   */
  public static int of(Terminal terminal) {
    return ask(terminal).columns();
  }

  /**
   * What {@link #of} found, and whether the terminal was asked and did not answer in time: then its
   * answer may still come, into the input, once the line editor reads it.
   */
  public record Asked(int columns, boolean unanswered) {}

  /** As {@link #of}, saying whether the question is left unanswered. */
  public static Asked ask(Terminal terminal) {
    int said = override();
    return said != 0 ? new Asked(said, false) : ask(terminal, PROBE_MILLIS);
  }

  /**
   * A cursor report as the line editor takes it when it comes after the probe gave up: JLine drops
   * the ESC and inserts the rest as typed ({@code [24;2R}).
   */
  private static final Pattern LATE_REPORT = Pattern.compile("^\u001b?\\[\\d{1,9};\\d{1,9}R");

  /**
   * {@code line} without a cursor report at its start: for the first line read after an unanswered
   * probe, which a late answer ({@code ESC [ 24 ; 2 R} from a slow ssh link) would otherwise open,
   * and the room would get {@code [24;2Rhello} for {@code hello} (rev38 FINDING-2).
   */
  public static String withoutLateReport(String line) {
    return LATE_REPORT.matcher(line).replaceFirst("");
  }

  /**
   * For lines printed to standard output without the chat's JLine console ({@code meshchat
   * history}): the override if set; else, when standard input and output are the terminal, it is
   * asked as {@link #of} does; else two (a chat whose input is piped cannot ask the terminal).
   */
  public static int ofStdout() {
    int said = override();
    if (said != 0) {
      return said;
    }
    if (System.console() == null || StdoutColumns.get() == 0) {
      return 2;
    }
    try (Terminal t =
        TerminalBuilder.builder().system(true).encoding(StandardCharsets.UTF_8).build()) {
      return probe(t, PROBE_MILLIS);
    } catch (IOException | RuntimeException e) {
      return 2;
    }
  }

  /**
   * Asks {@code terminal}: returns to the line's start, prints {@link #PROBE}, requests the cursor
   * position ({@code ESC [ 6 n}, answered {@code ESC [ row ; column R}) and reads the answer for at
   * most {@code millis}; 1 if the cursor moved one column, else 2. Keys typed meanwhile are dropped
   * (the chat has not started reading).
   */
  static int probe(Terminal terminal, long millis) {
    return ask(terminal, millis).columns();
  }

  static Asked ask(Terminal terminal, long millis) {
    if (Terminal.TYPE_DUMB.equals(terminal.getType())
        || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
      return new Asked(2, false);
    }
    Attributes saved = null;
    PrintWriter w = terminal.writer();
    try {
      saved = terminal.enterRawMode();
      w.print("\r" + PROBE + "\033[6n");
      w.flush();
      int column = column(terminal.reader(), System.nanoTime() + millis * 1_000_000);
      return new Asked(column == 2 ? 1 : 2, column < 0);
    } catch (IOException | RuntimeException e) {
      return new Asked(2, true);
    } finally {
      w.print("\r\033[K"); // the probe leaves no trace on the screen
      w.flush();
      if (saved != null) {
        terminal.setAttributes(saved);
      }
    }
  }

  /**
   * The column (1 based) of the first {@code ESC [ row ; column R} read before {@code deadline}
   * (System.nanoTime), or -1; what comes before it is dropped.
   */
  static int column(NonBlockingReader in, long deadline) throws IOException {
    // states: 0 waiting for ESC, 1 after ESC, 2 reading the row, 3 reading the column
    int state = 0;
    int column = 0;
    int digits = 0;
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return -1;
      }
      int c = in.read(left);
      if (c < 0) {
        return -1; // end of input, or no answer in time
      }
      if (c == 0x1b) {
        state = 1;
        continue;
      }
      switch (state) {
        case 1 -> state = c == '[' ? 2 : 0;
        case 2 -> {
          if (c == ';') {
            state = 3;
            column = 0;
            digits = 0;
          } else if (c < '0' || c > '9') {
            state = 0;
          }
        }
        case 3 -> {
          if (c >= '0' && c <= '9' && digits < 9) {
            column = column * 10 + (c - '0');
            digits++;
          } else if (c == 'R' && digits > 0) {
            return column;
          } else {
            state = 0;
          }
        }
        default -> {}
      }
    }
  }
}
