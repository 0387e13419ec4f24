package meshchat.peer.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of one origin's sequence numbers, kept as disjoint ranges. Its size in memory follows the
 * number of gaps, not the number of messages, so a whole history's holdings fit in a few bytes per
 * origin. Not thread-safe.
 */
public final class SeqSet {
  // first -> last, inclusive, disjoint and not adjacent
  private final TreeMap<Long, Long> ranges = new TreeMap<>();
  private long count;

  public SeqSet() {}

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
    s.ranges.putAll(ranges);
    s.count = count;
    return s;
  }

  public boolean contains(long seq) {
    Map.Entry<Long, Long> e = ranges.floorEntry(seq);
    return e != null && e.getValue() >= seq;
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
  public void addRange(long first, long last) {
    if (first < 1 || last < first) {
      throw new IllegalArgumentException("bad range " + first + ".." + last);
    }
    long lo = first;
    long hi = last;
    Map.Entry<Long, Long> below = ranges.floorEntry(lo);
    if (below != null && below.getValue() >= lo - 1) {
      lo = below.getKey();
      hi = Math.max(hi, below.getValue());
    }
    // absorb every range that starts inside or right after [lo, hi]
    Map.Entry<Long, Long> next = ranges.ceilingEntry(lo);
    while (next != null && next.getKey() <= hi + 1) {
      hi = Math.max(hi, next.getValue());
      count -= next.getValue() - next.getKey() + 1;
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(lo);
    }
    ranges.put(lo, hi);
    count += hi - lo + 1;
  }

  /** The highest n such that 1..n are all present (0 if 1 is missing). */
  public long contiguous() {
    Map.Entry<Long, Long> first = ranges.firstEntry();
    return first != null && first.getKey() == 1 ? first.getValue() : 0;
  }

  /** The ranges above {@link #contiguous()}, ascending. */
  public List<SeqRange> beyond() {
    List<SeqRange> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : ranges.entrySet()) {
      if (e.getKey() != 1) {
        out.add(new SeqRange(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  public List<SeqRange> ranges() {
    List<SeqRange> out = new ArrayList<>(ranges.size());
    ranges.forEach((f, l) -> out.add(new SeqRange(f, l)));
    return out;
  }

  /** The highest number present, or 0 if empty. */
  public long max() {
    return ranges.isEmpty() ? 0 : ranges.lastEntry().getValue();
  }

  /** How many disjoint ranges: the memory this set takes. */
  public int rangeCount() {
    return ranges.size();
  }

  public long count() {
    return count;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** The ranges of {@code other} that this set lacks, ascending. */
  public List<SeqRange> missingFrom(SeqSet other) {
    List<SeqRange> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : other.ranges.entrySet()) {
      long cursor = e.getKey();
      long end = e.getValue();
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
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeqSet s && ranges.equals(s.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    return ranges().toString();
  }
}
