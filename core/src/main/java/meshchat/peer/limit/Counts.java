package meshchat.peer.limit;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How often each case of an enum happened: one atomic count per case, bumped from any thread, read
 * for status lines and metrics. The one counter type of peers and trackers alike.
 */
public final class Counts<E extends Enum<E>> {
  private final Class<E> type;
  private final E[] cases;
  private final AtomicLongArray counts;

  public Counts(Class<E> type) {
    this.type = type;
    this.cases = type.getEnumConstants();
    this.counts = new AtomicLongArray(cases.length);
  }

  public void increment(E e) {
    counts.incrementAndGet(e.ordinal());
  }

  public void add(E e, long n) {
    counts.addAndGet(e.ordinal(), n);
  }

  public long get(E e) {
    return counts.get(e.ordinal());
  }

  /** Every case, in declaration order, zeros included. */
  public Map<E, Long> all() {
    Map<E, Long> out = new EnumMap<>(type);
    for (E e : cases) {
      out.put(e, get(e));
    }
    return out;
  }

  /** Only the cases counted at least once, in declaration order. */
  public Map<E, Long> nonZero() {
    Map<E, Long> out = new EnumMap<>(type);
    for (E e : cases) {
      long n = get(e);
      if (n != 0) {
        out.put(e, n);
      }
    }
    return out;
  }

  /** Every case by its lower-case name, zeros included: a metric's series by label. */
  public Map<String, Long> byName() {
    return named(all());
  }

  /** {@code counts}' keys by their lower-case names, in the same order. */
  public static <E extends Enum<E>> Map<String, Long> named(Map<E, Long> counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    counts.forEach((e, n) -> out.put(name(e), n));
    return out;
  }

  /**
   * The cases counted at least once, as {@code prefix + name=n} words appended to {@code line}
   * (space-separated): the status line format.
   */
  public StringBuilder appendTo(StringBuilder line, String prefix) {
    nonZero()
        .forEach(
            (e, n) ->
                line.append(line.length() == 0 ? "" : " ")
                    .append(prefix)
                    .append(name(e))
                    .append('=')
                    .append(n));
    return line;
  }

  /** The status line of these counts alone: the non-zero ones, or "none". */
  @Override
  public String toString() {
    StringBuilder line = appendTo(new StringBuilder(), "");
    return line.length() == 0 ? "none" : line.toString();
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
