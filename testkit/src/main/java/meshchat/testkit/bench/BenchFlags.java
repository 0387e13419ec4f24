package meshchat.testkit.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A benchmark's {@code --name value} flags. Every flag must be one the benchmark knows and have a
 * value that parses; anything else is an IllegalArgumentException with a one-line message, which
 * {@code meshchat bench} prints with exit code 2.
 */
final class BenchFlags {
  private final Map<String, String> values = new HashMap<>();

  private BenchFlags() {}

  static BenchFlags parse(String[] args, String... known) {
    Set<String> names = Set.of(known);
    BenchFlags flags = new BenchFlags();
    for (int i = 0; i < args.length; i += 2) {
      if (!names.contains(args[i])) {
        throw new IllegalArgumentException("unknown flag " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + args[i]);
      }
      flags.values.put(args[i], args[i + 1]);
    }
    return flags;
  }

  /** An integer flag of at least {@code min}. */
  int integer(String name, int defaultValue, int min) {
    return parsed(name, defaultValue, min, Integer::valueOf, "a whole number");
  }

  /** An integer flag of at least 1. */
  int positive(String name, int defaultValue) {
    return integer(name, defaultValue, 1);
  }

  /** A decimal flag of at least {@code min}. */
  double number(String name, double defaultValue, double min) {
    double n = parsed(name, defaultValue, min, BenchFlags::decimal, "a number");
    if (n > MAX_NUMBER) {
      // seconds, for every flag that takes one: a day is more than any bench needs, and a run
      // told to warm up for 1e300 s would never end
      throw new IllegalArgumentException(
          name + " must be at most " + (long) MAX_NUMBER + ", not " + values.get(name));
    }
    return n;
  }

  /** The largest value {@link #number} takes (seconds: a day). */
  static final double MAX_NUMBER = 86_400;

  private static Double decimal(String v) {
    double d = Double.parseDouble(v);
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new NumberFormatException(v);
    }
    return d;
  }

  /**
   * Flag {@code name} parsed by {@code parse}, at least {@code min}; {@code kind} names its type.
   */
  private <T extends Comparable<T>> T parsed(
      String name, T defaultValue, T min, Function<String, T> parse, String kind) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    T n;
    try {
      n = parse.apply(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be " + kind + ", not '" + v + "'");
    }
    if (n.compareTo(min) < 0) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + v);
    }
    return n;
  }

  /** A flag's text as given, or {@code defaultValue}. */
  String text(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  /** A flag whose value is one of {@code allowed}. */
  String oneOf(String name, String defaultValue, String... allowed) {
    String v = values.getOrDefault(name, defaultValue);
    if (!List.of(allowed).contains(v)) {
      throw new IllegalArgumentException(name + " must be one of " + String.join("|", allowed));
    }
    return v;
  }
}
