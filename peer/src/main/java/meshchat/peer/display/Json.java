package meshchat.peer.display;

/**
 * A tiny JSON object writer for the event lines (RFC 8259 §7 string escaping), so the peer needs no
 * JSON library. Fields keep insertion order.
 */
public final class Json {
  private final StringBuilder sb = new StringBuilder("{");

  private Json() {}

  public static Json event(String name) {
    return new Json().put("event", name);
  }

  public Json put(String key, String value) {
    key(key);
    if (value == null) {
      sb.append("null");
    } else {
      quote(sb, value);
    }
    return this;
  }

  public Json put(String key, long value) {
    key(key);
    sb.append(value);
    return this;
  }

  public Json put(String key, boolean value) {
    key(key);
    sb.append(value);
    return this;
  }

  private void key(String key) {
    if (sb.length() > 1) {
      sb.append(',');
    }
    quote(sb, key);
    sb.append(':');
  }

  @Override
  public String toString() {
    return sb + "}";
  }

  /**
   * Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped, and so
   * is every character a terminal would act on or hide ({@link Visible}), so a JSON line printed on
   * a terminal cannot control it either. The escapes are lossless for any JSON reader.
   */
  public static void quote(StringBuilder out, String s) {
    out.append('"');
    int prev = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      int next = i + n < s.length() ? s.codePointAt(i + n) : -1;
      switch (cp) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Visible.safe(cp, prev, next)) {
            out.appendCodePoint(cp);
          } else {
            for (int k = i; k < i + n; k++) {
              out.append(String.format("\\u%04x", (int) s.charAt(k)));
            }
          }
        }
      }
      prev = cp;
      i += n;
    }
    out.append('"');
  }
}
