package meshchat.peer.nick;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * The skeleton of a string (Unicode TR39, section 4): two strings with the same skeleton look
 * alike, as Cyrillic "аlice" and Latin "alice", "rnallory" and "mallory", "b0b" and "bob". The
 * table ({@code confusables.bin}, a resource beside this class, generated from ICU4J's data) holds
 * the prototype of every code point that NFD leaves alone and that has one; a skeleton is NFD, each
 * code point replaced by its prototype, NFD again: what ICU's {@code SpoofChecker.getSkeleton}
 * returns, which ConfusablesTableTest checks code point by code point. Loaded on first use.
 */
public final class Confusables {
  private Confusables() {}

  /**
   * The table's resource: big-endian ints {@code n, n sources (ascending), n ends, m, m target code
   * points}; source i's prototype is the targets from {@code ends[i - 1]} (0 for the first) to
   * {@code ends[i]}, as chars of the string they make. Written by {@link #write}.
   */
  static final String RESOURCE = "confusables.bin";

  /** The resource's bytes for a table of {@code prototypes} (source -> prototype), for the test. */
  static byte[] write(java.util.SortedMap<Integer, String> prototypes) {
    int[] targets = prototypes.values().stream().flatMapToInt(String::codePoints).toArray();
    ByteBuffer out = ByteBuffer.allocate(4 * (2 + 2 * prototypes.size() + targets.length));
    out.putInt(prototypes.size());
    prototypes.keySet().forEach(out::putInt);
    int end = 0;
    for (String p : prototypes.values()) {
      end += p.length();
      out.putInt(end);
    }
    out.putInt(targets.length);
    for (int t : targets) {
      out.putInt(t);
    }
    return out.array();
  }

  /** The table: sources ascending, each one's prototype a slice of one string. */
  private static final class Table {
    static final int[] SOURCES;
    static final int[] ENDS; // prototype i is TARGETS[ENDS[i - 1], ENDS[i])
    static final String TARGETS;

    static {
      byte[] b;
      try (InputStream in = Confusables.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the class path");
        }
        b = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      IntBuffer ints = ByteBuffer.wrap(b).asIntBuffer();
      int n = ints.get();
      SOURCES = new int[n];
      ints.get(SOURCES);
      ENDS = new int[n];
      ints.get(ENDS);
      int[] targets = new int[ints.get()];
      ints.get(targets);
      TARGETS = new String(targets, 0, targets.length);
    }

    static int find(int cp) {
      return Arrays.binarySearch(SOURCES, cp);
    }
  }

  /** The TR39 skeleton of {@code s}. */
  public static String skeleton(String s) {
    String d = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder out = null;
    for (int i = 0; i < d.length(); ) {
      int cp = d.codePointAt(i);
      int at = Table.find(cp);
      if (at >= 0 && out == null) {
        out = new StringBuilder(d.length() + 8).append(d, 0, i);
      }
      if (out != null) {
        if (at >= 0) {
          out.append(Table.TARGETS, at == 0 ? 0 : Table.ENDS[at - 1], Table.ENDS[at]);
        } else {
          out.appendCodePoint(cp);
        }
      }
      i += Character.charCount(cp);
    }
    return out == null ? d : Normalizer.normalize(out, Normalizer.Form.NFD);
  }
}
