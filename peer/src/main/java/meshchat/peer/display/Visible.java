package meshchat.peer.display;

import meshchat.peer.nick.Ignorable;

/**
 * Text from peers made safe for a terminal: every character a terminal would act on instead of
 * draw, or that hides or reorders what is drawn, is replaced by a visible escape. C0 and C1
 * controls (so ESC, which starts every CSI, OSC and DCS sequence, never reaches the terminal), the
 * bidi embeddings, overrides and isolates (the "Trojan Source" characters, CVE-2021-42574), line
 * and paragraph separators, lone surrogates and the other invisible format characters, every other
 * default-ignorable code point ({@link Ignorable}: a combining grapheme joiner, variation selectors
 * but an emoji's own, the Hangul fillers) and code points this JDK's Unicode does not assign.
 *
 * <p>Emoji and CJK pass untouched, including the zero-width joiner inside an emoji sequence and the
 * tag characters of a subdivision flag ({@link #flagEnd}: a whole flag, its tags spelling a
 * subdivision id; any other tag character is escaped, as a run of them draws as nothing while it
 * spells any text). The result contains no character this class would escape, so applying it twice
 * changes nothing: the consoles apply it to every line as a last defense.
 */
public final class Visible {
  private static final int ZWJ = 0x200D;
  private static final int BLACK_FLAG = 0x1F3F4;
  private static final int VS16 = 0xFE0F;
  private static final int VS15 = 0xFE0E;
  private static final int CANCEL_TAG = 0xE007F;
  // a subdivision id (UTS #35 unicode_subdivision_id): a region of 2 letters or 3 digits, then 1 to
  // 4 letters or digits (gbeng, usca, fr75c)
  private static final int MIN_FLAG_TAGS = 3;
  private static final int MAX_FLAG_TAGS = 7;

  private Visible() {}

  /** {@code s} with every unsafe character shown as {@code \e}, {@code \r}, {@code <U+202E>}... */
  public static String of(String s) {
    StringBuilder out = null;
    int prev = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int flag = cp == BLACK_FLAG ? flagEnd(s, i) : -1;
      if (flag > 0) { // a subdivision flag, drawn whole
        if (out != null) {
          out.append(s, i, flag);
        }
        prev = CANCEL_TAG;
        i = flag;
        continue;
      }
      int n = Character.charCount(cp);
      int next = i + n < s.length() ? s.codePointAt(i + n) : -1;
      boolean safe = safe(cp, prev, next);
      if (!safe && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (safe) {
          out.appendCodePoint(cp);
        } else {
          escape(out, cp);
        }
      }
      prev = safe ? cp : -1; // an escaped neighbour is ASCII on a second pass: it joins nothing
      i += n;
    }
    return out == null ? s : out.toString();
  }

  /**
   * Where the subdivision flag that starts at {@code i} ends, or -1 where none does: UTS #51's
   * valid emoji tag sequence, a black flag, then a subdivision id in tag characters (3 to 7 of the
   * tag forms of lowercase letters and digits: 🏴 + gbeng is England's flag), then CANCEL TAG. Only
   * such a flag's tags are drawn as themselves ({@link #safe} escapes every tag character): a
   * terminal draws a black flag followed by any run of tags as a lone flag, so before (rev36) a
   * line could carry up to 64 KiB of text its reader never saw but copied with it.
   */
  static int flagEnd(String s, int i) {
    if (s.codePointAt(i) != BLACK_FLAG) {
      return -1;
    }
    int j = i + Character.charCount(BLACK_FLAG);
    for (int tags = 0; j < s.length(); tags++) {
      int cp = s.codePointAt(j);
      j += Character.charCount(cp);
      if (cp == CANCEL_TAG) {
        return tags >= MIN_FLAG_TAGS ? j : -1;
      }
      if (tags == MAX_FLAG_TAGS || !subdivisionTag(cp)) {
        return -1;
      }
    }
    return -1;
  }

  /** The tag form of a lowercase letter or a digit. */
  private static boolean subdivisionTag(int cp) {
    return (cp >= 0xE0061 && cp <= 0xE007A) || (cp >= 0xE0030 && cp <= 0xE0039);
  }

  /**
   * Whether {@code cp} is drawn as itself, given its neighbours (-1 at either end; {@code prev} -1
   * too where it is escaped). A tag character never is: a whole subdivision flag is kept by the
   * caller ({@link #flagEnd}) before this is asked.
   */
  static boolean safe(int cp, int prev, int next) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      return false;
    }
    if (cp < 0x7F) {
      return true;
    }
    if (Ignorable.is(cp) && Character.getType(cp) != Character.FORMAT) {
      // drawn as nothing (a combining grapheme joiner, a variation selector, a Hangul filler):
      // only an emoji's presentation selector stays, after its emoji
      boolean keycap =
          next == 0x20E3 && (prev == '#' || prev == '*' || (prev >= '0' && prev <= '9'));
      return (cp == VS16 || cp == VS15) && (base(prev) || keycap);
    }
    switch (Character.getType(cp)) {
      case Character.UNASSIGNED:
        return false; // no glyph in this JDK's Unicode: a terminal may draw it as nothing
      case Character.FORMAT:
        // the joiner of an emoji sequence (👩‍💻); a subdivision flag's tags are kept whole before
        return cp == ZWJ && emoji(prev) && base(next);
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SURROGATE:
        return false;
      default:
        return true;
    }
  }

  private static boolean emoji(int cp) {
    return cp == VS16 || base(cp);
  }

  /** An emoji itself (not a selector): what a presentation selector or a joiner may follow. */
  private static boolean base(int cp) {
    int type = cp < 0 ? -1 : Character.getType(cp);
    return type == Character.OTHER_SYMBOL || type == Character.MODIFIER_SYMBOL;
  }

  private static void escape(StringBuilder out, int cp) {
    switch (cp) {
      case 0x1B -> out.append("\\e");
      case '\r' -> out.append("\\r");
      case '\n' -> out.append("\\n");
      case '\t' -> out.append("\\t");
      default -> {
        if (cp < 0x20 || cp == 0x7F) {
          out.append(String.format("\\x%02x", cp));
        } else {
          out.append(String.format("<U+%04X>", cp));
        }
      }
    }
  }
}
