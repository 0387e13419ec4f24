package meshchat.peer.store.memory;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * One origin's packed messages ({@link MessageArena} addresses) by sequence number: {@link
 * OriginLog}'s shape with a {@code long} for each message instead of a reference. Seqs are dense
 * from 1, so they live in an array indexed by seq; a seq far beyond what this origin has sent (a
 * gap, or a hostile peer's huge number) goes to a TreeMap, so the array never outgrows about twice
 * the messages held.
 */
final class AddressLog {
  /** What {@link #get} answers for a seq not held. */
  static final long ABSENT = -1;

  private static final int MIN_CAPACITY = 4;

  // seqs 1..dense.length live here (address + 1; 0 where absent); every higher seq lives in sparse,
  // made on first use
  private long[] dense = new long[MIN_CAPACITY];
  private TreeMap<Long, Long> sparse;
  private int count;

  long get(long seq) {
    if (seq <= dense.length) {
      return dense[(int) (seq - 1)] - 1;
    }
    Long a = sparse == null ? null : sparse.get(seq);
    return a == null ? ABSENT : a;
  }

  /** Stores {@code address} at {@code seq}, which must be absent. */
  void put(long seq, long address) {
    count++;
    if (seq > dense.length && seq <= 2L * count + MIN_CAPACITY) {
      grow((int) Math.max(seq, Math.min(2L * dense.length, 2L * count + MIN_CAPACITY)));
    }
    if (seq <= dense.length) {
      dense[(int) (seq - 1)] = address + 1;
    } else {
      if (sparse == null) {
        sparse = new TreeMap<>();
      }
      sparse.put(seq, address);
    }
  }

  private void grow(int capacity) {
    dense = Arrays.copyOf(dense, capacity);
    while (sparse != null && !sparse.isEmpty() && sparse.firstKey() <= capacity) {
      Map.Entry<Long, Long> e = sparse.pollFirstEntry();
      dense[(int) (e.getKey() - 1)] = e.getValue() + 1;
    }
  }

  /** The addresses of up to {@code limit} messages with seqs in {@code first..last}, ascending. */
  void range(long first, long last, int limit, LongConsumer out) {
    int n = 0;
    for (long s = first; s <= Math.min(last, dense.length) && n < limit; s++) {
      long a = dense[(int) (s - 1)];
      if (a != 0) {
        out.accept(a - 1);
        n++;
      }
    }
    if (n < limit && last > dense.length && sparse != null && !sparse.isEmpty()) {
      long from = Math.max(first, dense.length + 1L);
      if (from <= last) {
        for (long a : sparse.subMap(from, true, last, true).values()) {
          if (n >= limit) {
            break;
          }
          out.accept(a);
          n++;
        }
      }
    }
  }

  /** Every address, ascending by seq. */
  void forEach(LongConsumer action) {
    range(1, Long.MAX_VALUE, Integer.MAX_VALUE, action);
  }

  int count() {
    return count;
  }
}
