package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class VisibleTest {
  /** A subdivision flag as UTS #51 and #35 define it, written apart from Visible's own scan. */
  private static final Pattern FLAG =
      Pattern.compile("\\x{1F3F4}[\\x{E0030}-\\x{E0039}\\x{E0061}-\\x{E007A}]{3,7}\\x{E007F}");

  @Test
  void escapeSequencesAndControlsAreShownNotActedOn() {
    assertThat(Visible.of("\u001b]0;pwned\u0007")).isEqualTo("\\e]0;pwned\\x07");
    assertThat(Visible.of("\u001b[2K\rbob: forged")).isEqualTo("\\e[2K\\rbob: forged");
    assertThat(Visible.of("a\nb\tc\u0000\u007f")).isEqualTo("a\\nb\\tc\\x00\\x7f");
    assertThat(Visible.of("csi\u009b31m dcs\u0090")).isEqualTo("csi<U+009B>31m dcs<U+0090>");
  }

  @Test
  void bidiOverridesIsolatesAndInvisibleCharactersAreNamed() {
    assertThat(Visible.of("abc\u202Egpj.exe")).isEqualTo("abc<U+202E>gpj.exe");
    for (int cp = 0x202A; cp <= 0x202E; cp++) {
      assertThat(Visible.of(Character.toString(cp))).isEqualTo(String.format("<U+%04X>", cp));
    }
    for (int cp = 0x2066; cp <= 0x2069; cp++) {
      assertThat(Visible.of(Character.toString(cp))).isEqualTo(String.format("<U+%04X>", cp));
    }
    assertThat(Visible.of("al\u200Bice\u200E\u00AD\uFEFF\u2028\u3164"))
        .isEqualTo("al<U+200B>ice<U+200E><U+00AD><U+FEFF><U+2028><U+3164>");
    assertThat(Visible.of("lone \uD800 surrogate")).isEqualTo("lone <U+D800> surrogate");
    assertThat(Visible.of("a\u200Db")).isEqualTo("a<U+200D>b"); // a joiner between letters
  }

  @Test
  void emojiCjkAndAccentsAreKeptIntact() {
    String s =
        "héllo 日本語 한국어 👍🏽 👩‍💻 ❤️ 🏴\uDB40\uDC67\uDB40\uDC62\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F"
            + " e\u0301 \\e is text";
    assertThat(Visible.of(s)).isSameAs(s);
  }

  @Property
  void noUnsafeCharacterSurvivesAndASecondPassChangesNothing(@ForAll("hostile") String s) {
    String v = Visible.of(s);
    assertThat(v.codePoints())
        .noneMatch(cp -> cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        .noneMatch(cp -> cp >= 0x202A && cp <= 0x202E)
        .noneMatch(cp -> cp >= 0x2066 && cp <= 0x2069)
        .noneMatch(cp -> cp == 0x2028 || cp == 0x2029 || (cp >= 0xD800 && cp <= 0xDFFF));
    assertThat(FLAG.matcher(v).replaceAll("").codePoints())
        .as("tag characters outside a whole subdivision flag")
        .noneMatch(cp -> cp >= 0xE0000 && cp <= 0xE0FFF);
    assertThat(Visible.of(v)).isEqualTo(v);
    StringBuilder json = new StringBuilder();
    Json.quote(json, s);
    assertThat(FLAG.matcher(json).replaceAll("").codePoints())
        .noneMatch(cp -> cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        .noneMatch(cp -> Character.getType(cp) == Character.FORMAT && cp != 0x200D);
  }

  @Property
  void safeTextIsUnchanged(@ForAll("printable") String s) {
    assertThat(Visible.of(s)).isEqualTo(s);
  }

  @Provide
  Arbitrary<String> hostile() {
    char[] nasty = {
      '\u001b', '\r', '\n', '\u0007', '\u009b', '\u009d', '\u202e', '\u2066', '\u200d', '\u200b',
      '\ud83d', '\udc4d', '\ufe0f', '\u2028', 'a', '[', ']', ';', 'é', '日'
    };
    // tags after a black flag: whole flags, runs too short or too long, tags that spell no
    // subdivision id, no CANCEL TAG, flags back to back, and tags after anything else
    Arbitrary<String> tags =
        Arbitraries.of(
                tag('g'), tag('b'), tag('e'), tag('1'), tag('A'), tag(' '), tag('~'), tag(0),
                tag(0x80))
            .list()
            .ofMaxSize(9)
            .map(l -> String.join("", l));
    Arbitrary<String> one =
        Combinators.combine(
                Arbitraries.of("🏴", "🏴", "a", "\u200d", "\ufe0f"),
                tags,
                Arbitraries.of(tag(0x7F), tag(0x7F), "", "a", "\u200d"))
            .as((head, run, end) -> head + run + end);
    Arbitrary<String> flagged = one.list().ofMaxSize(4).map(l -> String.join("", l));
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars(nasty).ofMaxLength(40),
        flagged);
  }

  private static String tag(int ascii) {
    return Character.toString(0xE0000 + ascii);
  }

  @Provide
  Arbitrary<String> printable() {
    return Arbitraries.strings()
        .withCharRange((char) 0x20, (char) 0x7E)
        .withCharRange((char) 0xA0, (char) 0xAC)
        .withCharRange((char) 0x4E00, (char) 0x4FFF)
        .withCharRange((char) 0xAC00, (char) 0xACFF)
        .ofMaxLength(60);
  }
}
