package meshchat.peer.display;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one JSON writer (RFC 8259 §7 string escaping), so neither the peer nor the testkit needs a
 * JSON library: {@link #event} builds the peer's event lines field by field, {@link #write} turns a
 * tree of maps, lists, strings, numbers and booleans into text (the simulation summary and report).
 * Fields and map entries keep insertion order.
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

  /**
   * Writes a tree: {@code Map} (keys by {@code String.valueOf}), {@code List}, {@code String},
   * {@code Double} (two decimals, so output is stable across platforms), other numbers, booleans
   * and {@code null}; anything else as its {@code toString()}.
   */
  public static String write(Object tree) {
    StringBuilder out = new StringBuilder();
    write(tree, out);
    return out.toString();
  }

  private static void write(Object o, StringBuilder out) {
    if (o == null) {
      out.append("null");
    } else if (o instanceof String s) {
      quote(out, s);
    } else if (o instanceof Double d) {
      out.append(String.format(Locale.ROOT, "%.2f", d));
    } else if (o instanceof Number || o instanceof Boolean) {
      out.append(o);
    } else if (o instanceof Map<?, ?> m) {
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.append(sep);
        sep = ",";
        quote(out, String.valueOf(e.getKey()));
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (o instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        out.append(i > 0 ? "," : "");
        write(l.get(i), out);
      }
      out.append(']');
    } else {
      quote(out, o.toString());
    }
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
      int flag = cp == 0x1F3F4 ? Visible.flagEnd(s, i) : -1;
      if (flag > 0) { // a subdivision flag (a black flag and its tags), drawn whole
        out.append(s, i, flag);
        prev = s.codePointBefore(flag);
        i = flag;
        continue;
      }
      int n = Character.charCount(cp);
      int next = i + n < s.length() ? s.codePointAt(i + n) : -1;
      boolean safe = true;
      switch (cp) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          safe = Visible.safe(cp, prev, next);
          if (safe) {
            out.appendCodePoint(cp);
          } else {
            for (int k = i; k < i + n; k++) {
              out.append(String.format(Locale.ROOT, "\\u%04x", (int) s.charAt(k)));
            }
          }
        }
      }
      prev = safe ? cp : -1; // as Visible: an escaped code point joins nothing
      i += n;
    }
    out.append('"');
  }
}
