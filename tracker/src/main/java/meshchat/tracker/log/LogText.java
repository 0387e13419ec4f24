package meshchat.tracker.log;

/**
 * A log line's message made safe for the terminal or file it goes to: log messages carry what
 * strangers sent (a joiner's nick, a room, a Close reason, a decoder's complaint), and an ESC, a
 * newline or a bidi override in them would drive the operator's terminal or forge whole log lines
 * (rev27). C0 and C1 controls, DEL, the line and paragraph separators and every format character
 * (bidi embeddings, overrides and isolates, zero-width ones) are written as {@code \xNN} or {@code
 * <U+XXXX>}; everything else, non-Latin letters and emoji included, stays.
 */
public final class LogText {
  private LogText() {}

  public static String escape(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      boolean unsafe =
          cp < 0x20
              || (cp >= 0x7F && cp <= 0x9F)
              || cp == 0x2028
              || cp == 0x2029
              || Character.getType(cp) == Character.FORMAT
              || Character.getType(cp) == Character.SURROGATE;
      if (unsafe && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (!unsafe) {
          out.appendCodePoint(cp);
        } else if (cp < 0x100) {
          out.append(String.format("\\x%02x", cp));
        } else {
          out.append(String.format("<U+%04X>", cp));
        }
      }
      i += n;
    }
    return out == null ? s : out.toString();
  }
}
