package meshchat.peer.frame;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One origin's messages held on a link until a head covers them, by seq. Live messages come in seq
 * order, so a put is an append and a head's release is a cut of the front: two arrays and a window,
 * where a {@code TreeMap<Long, ...>} made an entry and a boxed seq per message and rebalanced on
 * every put and every release (a twelfth of a receiving thread's samples in the throughput cell,
 * docs/benchmarks.md, session 13). One out of order is placed by binary search.
 */
final class HeldBySeq<V> {
  private long[] seqs = new long[16];
  private Object[] values = new Object[16];
  private int start; // the window [start, end) holds the entries, seqs ascending
  private int end;

  /** Holds {@code value} at {@code seq}; returns the value it replaces there, or null. */
  @SuppressWarnings("unchecked")
  V put(long seq, V value) {
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

  /** The value held at {@code seq}, or null. */
  @SuppressWarnings("unchecked")
  V get(long seq) {
    int i = find(seq);
    return i >= 0 ? (V) values[i] : null;
  }

  boolean isEmpty() {
    return start == end;
  }

  int size() {
    return end - start;
  }

  /** Removes every entry at or below {@code seq}, handing each to {@code each} in seq order. */
  @SuppressWarnings("unchecked")
  int removeThrough(long seq, Consumer<? super V> each) {
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

  /** The index of {@code seq} in the window, or {@code -(insertion point) - 1}. */
  private int find(long seq) {
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
