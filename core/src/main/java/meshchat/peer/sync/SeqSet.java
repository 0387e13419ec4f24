package meshchat.peer.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import meshchat.peer.limit.WireBounds;

/**
 * A set of one origin's sequence numbers, kept as disjoint ranges. Its size in memory follows the
 * number of gaps, not the number of messages, so a whole history's holdings fit in a few bytes per
 * origin. Not thread-safe.
 *
 * <p>Almost every set is one range {@code 1..n} (an origin's history without gaps), and a peer
 * keeps several such sets per origin, so a run of 1 000 peers holds millions of them. The one-range
 * case is therefore two longs; the sorted arrays of ranges exist only while there is a gap, and are
 * dropped again once the gaps fill.
 */
public final class SeqSet {
  // Compact form (ranges == null): empty if first == 0, else exactly first..last. Tree form: one
  // range of the tree, the last one found or made (first == 0: none), looked at before the tree:
  // a peer asks about neighbouring seqs in turn.
  private long first;
  private long last;
  // Tree form: ranges lo[i]..hi[i], inclusive, ascending, disjoint and not adjacent; always 2 or
  // more. The count lives with them: the compact form's is last - first + 1, so a set of one range
  // is two longs and a reference (32 bytes; a big room's peer keeps one per author it holds).
  private Ranges ranges;

  /**
   * The tree form's ranges, in two sorted arrays searched by bisection, and how many numbers they
   * hold. A {@code TreeMap} of boxed seqs cost a node and two boxes per range, and an entry
   * allocated by every floor lookup (9% of a 100-peer simulation's allocation, session 18).
   */
  private static final class Ranges {
    long[] lo;
    long[] hi;
    int n;
    long count;

    Ranges(long first, long last) {
      lo = new long[4];
      hi = new long[4];
      lo[0] = first;
      hi[0] = last;
      n = 1;
      count = last - first + 1;
    }

    Ranges(Ranges other) {
      lo = Arrays.copyOf(other.lo, other.n);
      hi = Arrays.copyOf(other.hi, other.n);
      n = other.n;
      count = other.count;
    }

    /** The index of the last range starting at or below {@code x}, or -1. */
    int floor(long x) {
      int a = 0;
      int b = n - 1;
      while (a <= b) {
        int m = (a + b) >>> 1;
        if (lo[m] <= x) {
          a = m + 1;
        } else {
          b = m - 1;
        }
      }
      return b;
    }

    /** Replaces the ranges {@code [from, to)} (possibly none) by {@code l..h}. */
    void replace(int from, int to, long l, long h) {
      int after = n - to;
      int size = from + 1 + after;
      if (size > lo.length) {
        lo = Arrays.copyOf(lo, Math.max(size, 2 * lo.length));
        hi = Arrays.copyOf(hi, lo.length);
      }
      System.arraycopy(lo, to, lo, from + 1, after);
      System.arraycopy(hi, to, hi, from + 1, after);
      lo[from] = l;
      hi[from] = h;
      n = size;
    }
  }

  public SeqSet() {}

  /**
   * The sets {@code 1..n} for n up to this, made once and shared by every {@link #snapshot}: nearly
   * every snapshot a big room's peer keeps is one of them (an author's whole history, short), and a
   * copy each cost 40 bytes per (peer, author) pair, which a 10,000-peer room has 10^8 of.
   */
  public static final int SHARED_UP_TO = 256;

  private static final SeqSet[] SHARED = new SeqSet[SHARED_UP_TO + 1];

  static {
    for (int n = 1; n <= SHARED_UP_TO; n++) {
      SeqSet s = new SeqSet();
      s.first = 1;
      s.last = n;
      SHARED[n] = s;
    }
  }

  /**
   * A copy that is never to be changed (a digest's snapshot): for {@code 1..n} with n up to {@link
   * #SHARED_UP_TO}, one instance shared by every caller, which refuses to change.
   */
  public SeqSet snapshot() {
    if (ranges == null && first == 1 && last <= SHARED_UP_TO) {
      return SHARED[(int) last];
    }
    return copy();
  }

  /**
   * {@code set} with {@code seq} added, for a holder that keeps {@code 1..n} shared: a set that is
   * (or becomes) {@code 1..n} with n up to {@link #SHARED_UP_TO} is the shared instance, which a
   * holder replaces rather than changes, anything else a set of the holder's own, changed in place.
   * A big room's peer holds {@code 1..n} of nearly every author, and one set object each cost 36
   * bytes per (peer, author) pair. {@code set} may be null (nothing held); {@code seq} is checked
   * as {@link #add} checks it.
   */
  public static SeqSet plus(SeqSet set, long seq) {
    if (set == null) {
      if (seq == 1) {
        return SHARED[1];
      }
      set = new SeqSet();
    } else if (set.shared()) {
      if (seq == set.last + 1 && seq <= SHARED_UP_TO) {
        return SHARED[(int) seq];
      }
      if (set.contains(seq)) {
        return set;
      }
      set = set.copy();
    }
    set.add(seq);
    return shareable(set);
  }

  /** {@code set}, or the shared instance equal to it (see {@link #plus}). */
  public static SeqSet shareable(SeqSet set) {
    return set.ranges == null && set.first == 1 && set.last <= SHARED_UP_TO
        ? SHARED[(int) set.last]
        : set;
  }

  private boolean shared() {
    return ranges == null && first == 1 && last <= SHARED_UP_TO && SHARED[(int) last] == this;
  }

  /** n if this is the shared instance of {@code 1..n} ({@link #plus}), else 0. */
  int sharedLast() {
    return shared() ? (int) last : 0;
  }

  /** The shared instance of {@code 1..n}, for n from 1 to {@link #SHARED_UP_TO}. */
  static SeqSet sharedUpTo(int n) {
    return SHARED[n];
  }

  /**
   * The set of {@code 1..contiguous} and the ranges {@code beyond}, in any order (a digest's, as a
   * peer sent them). They are added in ascending order: each then goes at the end of the sorted
   * arrays, where a descending list would shift every range already in for each one, 2^31 moves for
   * a digest's 65,536 ranges.
   */
  public static SeqSet of(long contiguous, List<SeqRange> beyond) {
    SeqSet s = new SeqSet();
    if (contiguous > 0) {
      s.addRange(1, contiguous);
    }
    List<SeqRange> ascending = beyond;
    for (int i = 1; i < beyond.size(); i++) {
      if (beyond.get(i).first() < beyond.get(i - 1).first()) {
        ascending = new ArrayList<>(beyond);
        ascending.sort(Comparator.comparingLong(SeqRange::first));
        break;
      }
    }
    for (SeqRange r : ascending) {
      s.addRange(r.first(), r.last());
    }
    return s;
  }

  /**
   * {@code set} without the seqs of {@code gone}, as a new set (neither is changed; a set {@code
   * 1..n} comes back as the shared instance, see {@link #plus}).
   */
  public static SeqSet minus(SeqSet set, SeqSet gone) {
    SeqSet out = new SeqSet();
    List<SeqRange> cut = gone.ranges();
    for (SeqRange r : set.ranges()) {
      long from = r.first();
      for (SeqRange g : cut) {
        if (g.last() < from || g.first() > r.last()) {
          continue;
        }
        if (g.first() > from) {
          out.addRange(from, g.first() - 1);
        }
        from = Math.max(from, g.last() + 1);
        if (from > r.last()) {
          break;
        }
      }
      if (from <= r.last() && from >= r.first()) {
        out.addRange(from, r.last());
      }
    }
    return shareable(out);
  }

  public SeqSet copy() {
    SeqSet s = new SeqSet();
    s.first = first;
    s.last = last;
    s.ranges = ranges == null ? null : new Ranges(ranges);
    return s;
  }

  public boolean contains(long seq) {
    if (ranges == null) {
      return first != 0 && seq >= first && seq <= last;
    }
    if (first != 0 && seq >= first && seq <= last) {
      return true;
    }
    int i = ranges.floor(seq);
    if (i < 0 || ranges.hi[i] < seq) {
      return false;
    }
    first = ranges.lo[i];
    last = ranges.hi[i];
    return true;
  }

  /** Whether any number {@code lo..hi} (inclusive, {@code lo <= hi}) is in the set. */
  public boolean intersects(long lo, long hi) {
    if (ranges == null) {
      return first != 0 && lo <= last && hi >= first;
    }
    int i =
        ranges.floor(hi); // the last range starting at or below hi: the only one that may reach lo
    return i >= 0 && ranges.hi[i] >= lo;
  }

  /** Adds one number; returns false if it was already present. */
  public boolean add(long seq) {
    if (contains(seq)) {
      return false;
    }
    addRange(seq, seq);
    return true;
  }

  /** Adds every number in {@code first..last}. */
  public void addRange(long lo, long hi) {
    if (lo < 1 || hi < lo || hi > WireBounds.MAX_SEQ) {
      // the bound keeps every last + 1 and count below 2^63
      throw new IllegalArgumentException("bad range " + lo + ".." + hi);
    }
    if (shared()) {
      throw new UnsupportedOperationException("a shared snapshot never changes");
    }
    if (ranges == null) {
      if (first == 0) {
        first = lo;
        last = hi;
        return;
      }
      if (lo <= last + 1 && hi >= first - 1) { // overlaps or touches: still one range
        first = Math.min(first, lo);
        last = Math.max(last, hi);
        return;
      }
      ranges = new Ranges(first, last);
    }
    addToTree(lo, hi);
    if (ranges.n == 1) { // the gaps filled: back to two longs
      first = ranges.lo[0];
      last = ranges.hi[0];
      ranges = null;
    }
  }

  private void addToTree(long lo, long hi) {
    Ranges r = ranges;
    int below = r.floor(lo);
    int from = below + 1;
    if (below >= 0 && r.hi[below] >= lo - 1) {
      lo = r.lo[below];
      from = below; // absorbed with the rest
    }
    // absorb every range that starts inside or right after [lo, hi]
    int to = from;
    while (to < r.n && r.lo[to] <= hi + 1) {
      hi = Math.max(hi, r.hi[to]);
      r.count -= r.hi[to] - r.lo[to] + 1;
      to++;
    }
    r.replace(from, to, lo, hi);
    r.count += hi - lo + 1;
    first = lo; // the range found first: the ones it absorbed are gone
    last = hi;
  }

  /** The highest n such that 1..n are all present (0 if 1 is missing). */
  public long contiguous() {
    if (ranges == null) {
      return first == 1 ? last : 0;
    }
    return ranges.lo[0] == 1 ? ranges.hi[0] : 0;
  }

  /** The ranges above {@link #contiguous()}, ascending. */
  public List<SeqRange> beyond() {
    if (ranges == null) {
      return first > 1 ? new ArrayList<>(List.of(new SeqRange(first, last))) : new ArrayList<>();
    }
    List<SeqRange> out = new ArrayList<>();
    for (int i = 0; i < ranges.n; i++) {
      if (ranges.lo[i] != 1) {
        out.add(new SeqRange(ranges.lo[i], ranges.hi[i]));
      }
    }
    return out;
  }

  public List<SeqRange> ranges() {
    if (ranges == null) {
      return first == 0 ? new ArrayList<>() : new ArrayList<>(List.of(new SeqRange(first, last)));
    }
    List<SeqRange> out = new ArrayList<>(ranges.n);
    for (int i = 0; i < ranges.n; i++) {
      out.add(new SeqRange(ranges.lo[i], ranges.hi[i]));
    }
    return out;
  }

  /** The highest number present, or 0 if empty. */
  public long max() {
    return ranges == null ? last : ranges.hi[ranges.n - 1];
  }

  /** How many disjoint ranges: the memory this set takes. */
  public int rangeCount() {
    return ranges == null ? (first == 0 ? 0 : 1) : ranges.n;
  }

  public long count() {
    return ranges != null ? ranges.count : first == 0 ? 0 : last - first + 1;
  }

  public boolean isEmpty() {
    return ranges == null && first == 0;
  }

  /**
   * Whether every number in {@code other} is in this set: {@link #missingFrom} is empty, answered
   * without building a list (asked once per digest entry and per origin of a link's digests).
   */
  public boolean containsAll(SeqSet other) {
    if (other.isEmpty()) {
      return true;
    }
    if (other.count() > count() || other.max() > max()) {
      return false;
    }
    if (ranges == null) {
      return other.ranges == null
          ? other.first >= first && other.last <= last
          : other.ranges.lo[0] >= first && other.max() <= last;
    }
    if (other.ranges == null) {
      return coversRange(other.first, other.last);
    }
    for (int i = 0; i < other.ranges.n; i++) {
      if (!coversRange(other.ranges.lo[i], other.ranges.hi[i])) {
        return false;
      }
    }
    return true;
  }

  private boolean coversRange(long lo, long hi) {
    if (first != 0 && lo >= first && hi <= last) {
      return true;
    }
    int i = ranges.floor(lo);
    return i >= 0 && ranges.hi[i] >= hi;
  }

  /** The ranges of {@code other} that this set lacks, ascending. */
  public List<SeqRange> missingFrom(SeqSet other) {
    List<SeqRange> out = new ArrayList<>();
    if (other.ranges == null) {
      if (other.first != 0) {
        gapsIn(other.first, other.last, out);
      }
      return out;
    }
    for (int i = 0; i < other.ranges.n; i++) {
      gapsIn(other.ranges.lo[i], other.ranges.hi[i], out);
    }
    return out;
  }

  /** Appends the parts of {@code from..end} that this set lacks. */
  private void gapsIn(long from, long end, List<SeqRange> out) {
    if (ranges == null) {
      if (first == 0 || end < first || from > last) {
        out.add(new SeqRange(from, end));
        return;
      }
      if (from < first) {
        out.add(new SeqRange(from, first - 1));
      }
      if (end > last) {
        out.add(new SeqRange(last + 1, end));
      }
      return;
    }
    long cursor = from;
    while (cursor <= end) {
      int i = ranges.floor(cursor);
      if (i >= 0 && ranges.hi[i] >= cursor) {
        cursor = ranges.hi[i] + 1;
        continue;
      }
      // the next range starts above cursor: the first after the floor's
      long gapEnd = i + 1 == ranges.n ? end : Math.min(end, ranges.lo[i + 1] - 1);
      out.add(new SeqRange(cursor, gapEnd));
      cursor = gapEnd + 1;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SeqSet s) || count() != s.count()) {
      return false;
    }
    if (ranges == null || s.ranges == null) {
      // the forms are canonical: one range is always compact, two or more always a tree
      return ranges == null && s.ranges == null && first == s.first && last == s.last;
    }
    if (ranges.n != s.ranges.n) {
      return false;
    }
    for (int i = 0; i < ranges.n; i++) {
      if (ranges.lo[i] != s.ranges.lo[i] || ranges.hi[i] != s.ranges.hi[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    // same value a TreeMap of the ranges would give, whichever the form
    if (ranges == null) {
      return first == 0 ? 0 : Long.hashCode(first) ^ Long.hashCode(last);
    }
    int h = 0; // a map's: the sum of its entries' key hash ^ value hash
    for (int i = 0; i < ranges.n; i++) {
      h += Long.hashCode(ranges.lo[i]) ^ Long.hashCode(ranges.hi[i]);
    }
    return h;
  }

  @Override
  public String toString() {
    return ranges().toString();
  }
}
