package meshchat.testkit.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
    }
    if (n < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + n);
    }
    return n;
  }

  /** An integer flag of at least 1. */
  int positive(String name, int defaultValue) {
    return integer(name, defaultValue, 1);
  }

  /** A decimal flag of at least {@code min}. */
  double number(String name, double defaultValue, double min) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not '" + v + "'");
    }
    if (!(d >= min)) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + v);
    }
    return d;
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
