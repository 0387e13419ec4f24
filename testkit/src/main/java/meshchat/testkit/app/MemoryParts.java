package meshchat.testkit.app;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What one object graph holds, by part: every object reachable from a root is charged once, to the
 * shortest field path (up to {@code depth} fields below the root) that reaches it, breadth first.
 * Sizes are estimated for a 64-bit JVM with compressed references (12-byte headers, 4-byte
 * references, 8-byte alignment), the JVM's default below 32 GB of heap; JDK collections, whose
 * fields a classpath program may not read, are sized from their public view (entries, capacity
 * rounded as the JDK rounds it) and walked through their keys, values and elements. {@code sim
 * --memory-parts} charges one peer's state this way after marking what another peer also reaches
 * (the messages and ids the simulation shares between peers), so a part's bytes are the peer's own.
 */
final class MemoryParts {
  private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
  private final Map<String, long[]> parts = new LinkedHashMap<>();
  private final int depth;
  private final Predicate<Object> outside;

  /**
   * @param depth how many fields below the root a part's path names
   * @param outside objects not to charge nor enter (shared state of the whole run)
   */
  MemoryParts(int depth, Predicate<Object> outside) {
    this.depth = depth;
    this.outside = outside;
  }

  /** Marks everything {@code root} reaches as already charged, charging nothing. */
  void exclude(Object root) {
    walk(root, "", null);
  }

  /** Charges everything {@code root} reaches that is not yet charged or excluded. */
  void charge(Object root) {
    walk(root, "", parts);
  }

  /** Bytes by part, largest first. */
  Map<String, Long> parts() {
    List<Map.Entry<String, long[]>> es = new ArrayList<>(parts.entrySet());
    es.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : es) {
      out.put(e.getKey().isEmpty() ? "(root)" : e.getKey(), e.getValue()[0]);
    }
    return out;
  }

  /** Bytes charged in all. */
  long total() {
    long n = 0;
    for (long[] v : parts.values()) {
      n += v[0];
    }
    return n;
  }

  private record Visit(Object o, String path, int level) {}

  private void walk(Object root, String rootPath, Map<String, long[]> into) {
    ArrayDeque<Visit> queue = new ArrayDeque<>();
    queue.addLast(new Visit(root, rootPath, 0));
    while (!queue.isEmpty()) {
      Visit v = queue.pollFirst();
      Object o = v.o();
      if (o == null || seen.containsKey(o) || (o != root && outside.test(o))) {
        continue;
      }
      seen.put(o, Boolean.TRUE);
      Class<?> c = o.getClass();
      if (c == Class.class || o instanceof ClassLoader || o instanceof Thread) {
        continue; // the JVM's, not the run's
      }
      long size = enter(o, v, queue);
      if (into != null) {
        into.computeIfAbsent(v.path(), k -> new long[1])[0] += size;
      }
    }
  }

  /** The object's own estimated size; pushes what it refers to. */
  private long enter(Object o, Visit v, ArrayDeque<Visit> queue) {
    Class<?> c = o.getClass();
    if (c.isArray()) {
      Class<?> e = c.getComponentType();
      int n = Array.getLength(o);
      if (!e.isPrimitive()) {
        for (int i = 0; i < n; i++) {
          queue.addLast(new Visit(Array.get(o, i), v.path(), v.level()));
        }
      }
      return align(16 + (long) n * width(e));
    }
    if (c.getName().startsWith("java.")) {
      return jdk(o, v, queue);
    }
    boolean named = v.level() < depth;
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        Object value;
        try {
          f.setAccessible(true);
          value = f.get(o);
        } catch (InaccessibleObjectException | IllegalAccessException e) {
          continue;
        }
        String path =
            named ? (v.path().isEmpty() ? f.getName() : v.path() + "." + f.getName()) : v.path();
        queue.addLast(new Visit(value, path, named ? v.level() + 1 : v.level()));
      }
    }
    return shallow(c);
  }

  /** A JDK object: sized from its public view, its contents walked through it. */
  private long jdk(Object o, Visit v, ArrayDeque<Visit> queue) {
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        queue.addLast(new Visit(e.getKey(), v.path(), v.level()));
        queue.addLast(new Visit(e.getValue(), v.path(), v.level()));
      }
      int n = m.size();
      if (o instanceof TreeMap) {
        return 48 + 40L * n;
      }
      long entry = o instanceof LinkedHashMap ? 40 : 32;
      return 56 + table(n) + entry * n; // HashMap and its kin
    }
    if (o instanceof Collection<?> col) {
      for (Object e : col) {
        queue.addLast(new Visit(e, v.path(), v.level()));
      }
      int n = col.size();
      if (o instanceof TreeSet) {
        return 16 + 48 + 40L * n;
      }
      if (o instanceof Set) {
        long entry = o instanceof LinkedHashSet ? 40 : 32;
        return 16 + 56 + table(n) + entry * n; // a HashSet is a HashMap inside
      }
      if (o instanceof ArrayDeque) {
        return 24 + align(16 + 4L * Integer.highestOneBit(Math.max(16, n + 1) * 2 - 1));
      }
      return 24 + align(16 + 4L * n); // a list: its array, at least its size
    }
    if (o instanceof BitSet b) {
      return 24 + align(16 + b.size() / 8);
    }
    if (o instanceof String s) {
      return 24 + align(16 + s.length());
    }
    return shallow(o.getClass()); // boxes and other leaves: their fields, not entered
  }

  /** A hash table's array for {@code n} entries at the JDK's load factor of 3/4. */
  private static long table(int n) {
    if (n == 0) {
      return 0;
    }
    int capacity = Integer.highestOneBit(Math.max(16, (int) Math.ceil(n / 0.75)) * 2 - 1);
    return align(16 + 4L * capacity);
  }

  static long shallow(Class<?> c) {
    long n = 12;
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          n += width(f.getType());
        }
      }
    }
    return align(n);
  }

  private static int width(Class<?> t) {
    if (!t.isPrimitive()) {
      return 4;
    }
    if (t == long.class || t == double.class) {
      return 8;
    }
    if (t == int.class || t == float.class) {
      return 4;
    }
    return t == short.class || t == char.class ? 2 : 1;
  }

  private static long align(long n) {
    return (n + 7) & ~7L;
  }
}
