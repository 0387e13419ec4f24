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

  /** Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
  static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // U+2028/2029 are legal JSON but break JavaScript line readers: escape them too
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
