package meshchat.peer.sync;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Values by seq for one origin, in two arrays and a window: entries mostly come in seq order and
 * leave from the front, so a put is an append and a release a cut of the front; one out of order is
 * placed by binary search. A {@code TreeMap<Long, V>} made an entry and a boxed seq per value and
 * rebalanced on every put and release: a twelfth of a receiving thread's samples in the throughput
 * cell for a link's held messages (session 13, {@code ChainCheck}), a twentieth of the room
 * threads' for the lines shown early (session 22, {@code EarlyLines}). Those two had a copy each
 * until session 22. Not thread-safe.
 */
public final class SeqWindow<V> {
  private long[] seqs = new long[16];
  private Object[] values = new Object[16];
  private int start; // the window [start, end) holds the entries, seqs ascending
  private int end;

  public int size() {
    return end - start;
  }

  public boolean isEmpty() {
    return start == end;
  }

  /** The value at {@code seq}, or null. */
  @SuppressWarnings("unchecked")
  public V get(long seq) {
    int i = find(seq);
    return i >= 0 ? (V) values[i] : null;
  }

  /** Puts {@code value} at {@code seq}; returns the value it replaces there, or null. */
  @SuppressWarnings("unchecked")
  public V put(long seq, V value) {
    if (start == end || seq > seqs[end - 1]) {
      room();
      seqs[end] = seq;
      values[end++] = value;
      return null;
    }
    int i = find(seq);
    if (i >= 0) {
      V old = (V) values[i];
      values[i] = value;
      return old;
    }
    room(); // may move the window: find the place again
    int at = -find(seq) - 1;
    System.arraycopy(seqs, at, seqs, at + 1, end - at);
    System.arraycopy(values, at, values, at + 1, end - at);
    seqs[at] = seq;
    values[at] = value;
    end++;
    return null;
  }

  /** Removes and returns the value at {@code seq}, or null. */
  @SuppressWarnings("unchecked")
  public V remove(long seq) {
    int i = find(seq);
    if (i < 0) {
      return null;
    }
    V v = (V) values[i];
    if (i == start) {
      values[start++] = null;
    } else {
      System.arraycopy(seqs, i + 1, seqs, i, end - i - 1);
      System.arraycopy(values, i + 1, values, i, end - i - 1);
      values[--end] = null;
    }
    if (start == end) {
      start = 0;
      end = 0;
    }
    return v;
  }

  /**
   * Removes every entry at or below {@code seq}, handing each to {@code each} in seq order; returns
   * how many were removed.
   */
  @SuppressWarnings("unchecked")
  public int removeThrough(long seq, Consumer<? super V> each) {
    int i = find(seq);
    int cut = i >= 0 ? i + 1 : -i - 1;
    for (int j = start; j < cut; j++) {
      each.accept((V) values[j]);
      values[j] = null;
    }
    int n = cut - start;
    start = cut;
    if (start == end) {
      start = 0;
      end = 0;
    }
    return n;
  }

  /**
   * Removes each entry at or below {@code seq} that {@code keep} does not keep, handing it to
   * {@code removed}, in seq order; returns how many were removed.
   */
  @SuppressWarnings("unchecked")
  public int removeThrough(long seq, Predicate<? super V> keep, Consumer<? super V> removed) {
    int to = start; // where the next kept entry goes
    int i = start;
    for (; i < end && seqs[i] <= seq; i++) {
      if (keep.test((V) values[i])) {
        seqs[to] = seqs[i];
        values[to++] = values[i];
      } else {
        removed.accept((V) values[i]);
      }
    }
    int n = i - to;
    if (n > 0) {
      System.arraycopy(seqs, i, seqs, to, end - i);
      System.arraycopy(values, i, values, to, end - i);
      Arrays.fill(values, end - n, end, null);
      end -= n;
      if (start == end) {
        start = 0;
        end = 0;
      }
    }
    return n;
  }

  /** Hands each value to {@code each}, in seq order. */
  @SuppressWarnings("unchecked")
  public void forEach(Consumer<? super V> each) {
    for (int i = start; i < end; i++) {
      each.accept((V) values[i]);
    }
  }

  /** Puts every entry of {@code other} here, each replacing any at its seq. */
  @SuppressWarnings("unchecked")
  public void putAll(SeqWindow<? extends V> other) {
    for (int i = other.start; i < other.end; i++) {
      put(other.seqs[i], (V) other.values[i]);
    }
  }

  /**
   * The index of {@code seq} in the window, or {@code -(insertion point) - 1}. A run without gaps
   * (the common case: a link's held messages, an author's lines shown early) holds {@code seq} at
   * its offset from the first seq, found by one read; only otherwise by binary search, which took 3
   * % of the throughput cell's room threads (docs/benchmarks.md, session 23).
   */
  private int find(long seq) {
    if (start == end) {
      return -start - 1;
    }
    long first = seqs[start];
    if (seq <= first) {
      return seq == first ? start : -start - 1;
    }
    if (seq > seqs[end - 1]) {
      return -end - 1;
    }
    long offset = seq - first; // > 0 unless it overflowed; below end - start if seq may be there
    if (offset > 0 && offset < end - start && seqs[start + (int) offset] == seq) {
      return start + (int) offset;
    }
    return Arrays.binarySearch(seqs, start, end, seq);
  }

  /** Makes room for one more entry at the end: moves the window down, or grows. */
  private void room() {
    if (end < seqs.length) {
      return;
    }
    int n = end - start;
    if (start > 0 && n <= seqs.length / 2) {
      System.arraycopy(seqs, start, seqs, 0, n);
      System.arraycopy(values, start, values, 0, n);
      Arrays.fill(values, n, end, null);
    } else {
      long[] s = new long[seqs.length * 2];
      Object[] v = new Object[seqs.length * 2];
      System.arraycopy(seqs, start, s, 0, n);
      System.arraycopy(values, start, v, 0, n);
      seqs = s;
      values = v;
    }
    start = 0;
    end = n;
  }
}
