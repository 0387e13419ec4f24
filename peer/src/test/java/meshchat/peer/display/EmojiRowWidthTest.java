package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.jline.utils.WCWidth;
import org.junit.jupiter.api.Test;

/**
 * rev29 F13: {@link Rows} cuts a line into rows by {@link WCWidth}, code point by code point, so an
 * emoji presentation sequence (a text-default symbol such as U+263A followed by VS16, U+FE0F, which
 * {@link Visible} keeps) counts one column. UTS #51 asks for such a sequence to be drawn as an
 * emoji, and kitty, WezTerm, iTerm2, Windows Terminal and foot draw it two columns wide: a row of
 * 60 of them that {@code Rows} counts as 60 columns takes 120, the terminal wraps it itself, and
 * what follows starts at the left margin with no indent, as {@code 12:04 alice: ...} (rev28 F5's
 * spoof, back on those terminals).
 */
class EmojiRowWidthTest {
  @Test
  void anEmojiPresentationSequenceIsTwoColumnsWhenRowsAreCut() {
    String smiles = "\u263A\uFE0F".repeat(60);
    String line = Visible.of("12:03 mal: " + smiles + "12:04 alice: send it to the new IBAN");
    assertThat(line).contains("\uFE0F"); // kept: an emoji's own selector
    List<String> rows = List.of(Rows.of(line, 80).split("\n"));
    for (String row : rows) {
      assertThat(drawn(row)).as("columns a VS16-aware terminal draws for %s", row).isLessThan(80);
    }
    Pattern looksLikeALine = Pattern.compile("^\\d\\d:\\d\\d \\S+: .*");
    assertThat(rows.subList(1, rows.size())).noneMatch(r -> looksLikeALine.matcher(r).matches());
  }

  /** Columns as a terminal that honours VS16 draws them: base + U+FE0F is two. */
  private static int drawn(String row) {
    int cols = 0;
    for (int i = 0; i < row.length(); ) {
      int cp = row.codePointAt(i);
      int n = Character.charCount(cp);
      boolean vs16Next = i + n < row.length() && row.codePointAt(i + n) == 0xFE0F;
      cols += vs16Next ? 2 : Math.max(0, WCWidth.wcwidth(cp));
      i += n;
    }
    return cols;
  }
}
