package meshchat.testkit.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The fault spec formats of the command line, parsed into records. Each parse error is one line
 * naming the spec and what is wrong with it.
 *
 * <ul>
 *   <li>partition: {@code GROUP|GROUP[|...]@FROM..TO}, a group being peers and ranges like {@code
 *       0-9,12}: {@code 0-9|10-19@5000..15000}. Peers in no group form one more group.
 *   <li>crash: {@code PEER@FROM..TO[:wipe]}: peer 3 crashes at 2 s and restarts at 8 s, keeping its
 *       store unless {@code :wipe}: {@code 3@2000..8000:wipe}.
 *   <li>window: {@code FROM..TO} in virtual milliseconds (tracker outages).
 * </ul>
 */
public final class Specs {
  private Specs() {}

  public record Window(long fromMs, long toMs) {}

  public record PartitionSpec(List<Set<Integer>> groups, Window window) {}

  public record CrashSpec(int peer, Window window, boolean wipe) {}

  public static PartitionSpec partition(String spec, int peers) {
    String[] at = split(spec, "partition", "@");
    List<Set<Integer>> groups = new ArrayList<>();
    Set<Integer> seen = new TreeSet<>();
    for (String g : at[0].split("\\|", -1)) {
      Set<Integer> group = new TreeSet<>();
      for (String item : g.split(",", -1)) {
        String[] ab = item.trim().split("-", -1);
        int a = peer(ab[0], spec, peers);
        int b = ab.length == 2 ? peer(ab[1], spec, peers) : a;
        if (ab.length > 2 || b < a) {
          throw bad("partition", spec, "bad peer range '" + item + "'");
        }
        for (int p = a; p <= b; p++) {
          if (!seen.add(p)) {
            throw bad("partition", spec, "peer " + p + " is in two groups");
          }
          group.add(p);
        }
      }
      groups.add(group);
    }
    return new PartitionSpec(groups, window(at[1], "partition", spec));
  }

  public static CrashSpec crash(String spec, int peers) {
    String[] at = split(spec, "crash", "@");
    String rest = at[1];
    boolean wipe = false;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      String mode = rest.substring(colon + 1);
      if (!mode.equals("wipe") && !mode.equals("keep")) {
        throw bad("crash", spec, "mode must be 'wipe' or 'keep', not '" + mode + "'");
      }
      wipe = mode.equals("wipe");
      rest = rest.substring(0, colon);
    }
    return new CrashSpec(peer(at[0], spec, peers), window(rest, "crash", spec), wipe);
  }

  /**
   * {@code F@AT}: a seeded random {@code F} of the peers (0 < F < 1) crash at {@code AT} ms and
   * never restart (their window ends at {@link Long#MAX_VALUE}); their data dies with them, so a
   * message only they held counts as lost with a wiped store, not as a violation.
   */
  public static List<CrashSpec> crashFraction(String spec, int peers, long seed) {
    String[] at = split(spec, "crash-fraction", "@");
    double f;
    try {
      f = Double.parseDouble(at[0]);
    } catch (NumberFormatException e) {
      throw bad("crash-fraction", spec, "expected a fraction like 0.3");
    }
    if (!(f > 0 && f < 1)) {
      throw bad("crash-fraction", spec, "the fraction must be above 0 and below 1");
    }
    long from = number(at[1], "crash-fraction", spec);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < peers; i++) {
      all.add(i);
    }
    Collections.shuffle(all, new Random(seed * 31 + 7));
    List<CrashSpec> out = new ArrayList<>();
    for (int i = 0; i < (int) Math.round(f * peers); i++) {
      out.add(new CrashSpec(all.get(i), new Window(from, Long.MAX_VALUE), true));
    }
    return out;
  }

  public static Window window(String text, String what, String spec) {
    String[] ft = text.split("\\.\\.", -1);
    if (ft.length != 2) {
      throw bad(what, spec, "expected FROM..TO in milliseconds");
    }
    long from = number(ft[0], what, spec);
    long to = number(ft[1], what, spec);
    if (to <= from) {
      throw bad(what, spec, "the window ends before it starts");
    }
    return new Window(from, to);
  }

  private static String[] split(String spec, String what, String sep) {
    String[] parts = spec.split(Pattern.quote(sep), -1);
    if (parts.length != 2) {
      throw bad(what, spec, "expected exactly one '" + sep + "'");
    }
    return parts;
  }

  private static int peer(String s, String spec, int peers) {
    long p = number(s, "peer", spec);
    if (p >= peers) {
      throw bad("peer", spec, "peer " + p + " does not exist (peers are 0.." + (peers - 1) + ")");
    }
    return (int) p;
  }

  private static long number(String s, String what, String spec) {
    try {
      long v = Long.parseLong(s.trim());
      if (v < 0) {
        throw bad(what, spec, "negative number " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(what, spec, "'" + s + "' is not a number");
    }
  }

  private static IllegalArgumentException bad(String what, String spec, String why) {
    return new IllegalArgumentException("bad " + what + " spec '" + spec + "': " + why);
  }
}
