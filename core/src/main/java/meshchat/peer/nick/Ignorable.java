package meshchat.peer.nick;

/**
 * Unicode's default-ignorable code points (DerivedCoreProperties.txt, Default_Ignorable_Code_Point,
 * Unicode 15): a terminal draws them as nothing, so a nick with one in it draws as the nick without
 * it. rev27 found "alice" + U+034F (a combining mark, not a format character) trusted as a new nick
 * and drawn as "alice". {@link NickBook#key} leaves them out, so such a nick is the same nick as
 * "alice" (and marked when another key uses it); the display escapes them.
 */
public final class Ignorable {
  private Ignorable() {}

  /** Whether {@code cp} is default-ignorable. */
  public static boolean is(int cp) {
    return cp == 0x00AD
        || cp == 0x034F
        || cp == 0x061C
        || (cp >= 0x115F && cp <= 0x1160)
        || (cp >= 0x17B4 && cp <= 0x17B5)
        || (cp >= 0x180B && cp <= 0x180F)
        || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2060 && cp <= 0x206F)
        || cp == 0x3164
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || cp == 0xFEFF
        || cp == 0xFFA0
        || (cp >= 0xFFF0 && cp <= 0xFFF8)
        || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
        || (cp >= 0x1D173 && cp <= 0x1D17A)
        || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }

  /** {@code s} without its default-ignorable code points. */
  public static String strip(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (is(cp)) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i += n;
    }
    return out == null ? s : out.toString();
  }
}
