package meshchat.peer.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import meshchat.peer.limit.WireBounds;

/**
 * A set of one origin's sequence numbers, kept as disjoint ranges. Its size in memory follows the
 * number of gaps, not the number of messages, so a whole history's holdings fit in a few bytes per
 * origin. Not thread-safe.
 *
 * <p>Almost every set is one range {@code 1..n} (an origin's history without gaps), and a peer
 * keeps several such sets per origin, so a run of 1 000 peers holds millions of them. The one-range
 * case is therefore two longs; the {@code TreeMap} exists only while there is a gap, and is dropped
 * again once the gaps fill.
 */
public final class SeqSet {
  // Compact form (ranges == null): empty if first == 0, else exactly first..last. Tree form: one
  // range of the tree, the last one found or made (first == 0: none), looked at before the tree:
  // a peer asks about neighbouring seqs in turn, and a tree lookup boxes the seq and allocates an
  // entry (a tenth of a 100-peer simulation's allocation, session 16).
  private long first;
  private long last;
  // Tree form: first -> last, inclusive, disjoint and not adjacent; always 2 or more entries. The
  // count lives with the tree: the compact form's is last - first + 1, so a set of one range is
  // two longs and a reference (32 bytes; a big room's peer keeps one per author it holds).
  private Ranges ranges;

  /** The tree form's ranges and how many numbers they hold. */
  private static final class Ranges extends TreeMap<Long, Long> {
    private static final long serialVersionUID = 1L;
    long count;

    Ranges() {}

    Ranges(Ranges other) {
      super(other);
      count = other.count;
    }
  }

  public SeqSet() {}

  /**
   * The sets {@code 1..n} for n up to this, made once and shared by every {@link #snapshot}: nearly
   * every snapshot a big room's peer keeps is one of them (an author's whole history, short), and a
   * copy each cost 40 bytes per (peer, author) pair, which a 10,000-peer room has 10^8 of.
   */
  static final int SHARED_UP_TO = 256;

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

  private boolean shared() {
    return ranges == null && first == 1 && last <= SHARED_UP_TO && SHARED[(int) last] == this;
  }

  public static SeqSet of(long contiguous, List<SeqRange> beyond) {
    SeqSet s = new SeqSet();
    if (contiguous > 0) {
      s.addRange(1, contiguous);
    }
    for (SeqRange r : beyond) {
      s.addRange(r.first(), r.last());
    }
    return s;
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
    Map.Entry<Long, Long> e = ranges.floorEntry(seq);
    if (e == null || e.getValue() < seq) {
      return false;
    }
    first = e.getKey();
    last = e.getValue();
    return true;
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
      ranges = new Ranges();
      ranges.put(first, last);
      ranges.count = last - first + 1;
    }
    addToTree(lo, hi);
    if (ranges.size() == 1) { // the gaps filled: back to two longs
      Map.Entry<Long, Long> only = ranges.firstEntry();
      first = only.getKey();
      last = only.getValue();
      ranges = null;
    }
  }

  private void addToTree(long lo, long hi) {
    Map.Entry<Long, Long> below = ranges.floorEntry(lo);
    if (below != null && below.getValue() >= lo - 1) {
      lo = below.getKey();
      hi = Math.max(hi, below.getValue());
    }
    // absorb every range that starts inside or right after [lo, hi]
    Map.Entry<Long, Long> next = ranges.ceilingEntry(lo);
    while (next != null && next.getKey() <= hi + 1) {
      hi = Math.max(hi, next.getValue());
      ranges.count -= next.getValue() - next.getKey() + 1;
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(lo);
    }
    ranges.put(lo, hi);
    ranges.count += hi - lo + 1;
    first = lo; // the range found first: the ones it absorbed are gone
    last = hi;
  }

  /** The highest n such that 1..n are all present (0 if 1 is missing). */
  public long contiguous() {
    if (ranges == null) {
      return first == 1 ? last : 0;
    }
    Map.Entry<Long, Long> lowest = ranges.firstEntry();
    return lowest.getKey() == 1 ? lowest.getValue() : 0;
  }

  /** The ranges above {@link #contiguous()}, ascending. */
  public List<SeqRange> beyond() {
    if (ranges == null) {
      return first > 1 ? new ArrayList<>(List.of(new SeqRange(first, last))) : new ArrayList<>();
    }
    List<SeqRange> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : ranges.entrySet()) {
      if (e.getKey() != 1) {
        out.add(new SeqRange(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  public List<SeqRange> ranges() {
    if (ranges == null) {
      return first == 0 ? new ArrayList<>() : new ArrayList<>(List.of(new SeqRange(first, last)));
    }
    List<SeqRange> out = new ArrayList<>(ranges.size());
    ranges.forEach((f, l) -> out.add(new SeqRange(f, l)));
    return out;
  }

  /** The highest number present, or 0 if empty. */
  public long max() {
    return ranges == null ? last : ranges.lastEntry().getValue();
  }

  /** How many disjoint ranges: the memory this set takes. */
  public int rangeCount() {
    return ranges == null ? (first == 0 ? 0 : 1) : ranges.size();
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
          : other.ranges.firstKey() >= first && other.max() <= last;
    }
    if (other.ranges == null) {
      return coversRange(other.first, other.last);
    }
    for (Map.Entry<Long, Long> e : other.ranges.entrySet()) {
      if (!coversRange(e.getKey(), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private boolean coversRange(long lo, long hi) {
    if (first != 0 && lo >= first && hi <= last) {
      return true;
    }
    Map.Entry<Long, Long> mine = ranges.floorEntry(lo);
    return mine != null && mine.getValue() >= hi;
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
    for (Map.Entry<Long, Long> e : other.ranges.entrySet()) {
      gapsIn(e.getKey(), e.getValue(), out);
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
      Map.Entry<Long, Long> mine = ranges.floorEntry(cursor);
      if (mine != null && mine.getValue() >= cursor) {
        cursor = mine.getValue() + 1;
        continue;
      }
      Long nextMine = ranges.higherKey(cursor);
      long gapEnd = nextMine == null ? end : Math.min(end, nextMine - 1);
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
    return ranges.equals(s.ranges);
  }

  @Override
  public int hashCode() {
    // same value a TreeMap of the ranges would give, whichever the form
    if (ranges == null) {
      return first == 0 ? 0 : Long.hashCode(first) ^ Long.hashCode(last);
    }
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    return ranges().toString();
  }
}
