package meshchat.peer.sync;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Authors numbered 0, 1, 2... in the order they were first stored: one lookup per message turns its
 * author into an index, and per-author state (a room's holdings, its causal buffer's pending
 * counts, anti-entropy's snapshots; the in-memory store's logs) lives in arrays read by that index
 * instead of a hash map each, which a big room's peer paid for several times per message and about
 * 50 bytes per (peer, author) each (docs/decisions/0013-a-dense-author-index.md). Not thread-safe.
 *
 * <p>An open-addressing table of indexes with each author's hash beside it (linear probing). No
 * author is ever removed: its owner numbers only authors whose messages it stores, so the index
 * never outgrows the store, whatever a stranger names in deps or digests.
 */
public final class AuthorIndex<K> {
  private Object[] authors = new Object[8]; // K
  private int size;
  private int[] slots = new int[16]; // author index + 1; 0: empty
  private int[] hashes = new int[16]; // the hash of the author in the slot
  private int shift = Integer.numberOfLeadingZeros(15);
  private int[] mapOrder = new int[0]; // see hashMapOrder
  private int mapCapacity;

  /** {@code author}'s index, or -1 if it has none. */
  public int indexOf(K author) {
    int h = author.hashCode();
    int mask = slots.length - 1;
    for (int i = home(h); slots[i] != 0; i = (i + 1) & mask) {
      if (hashes[i] == h) {
        Object a = authors[slots[i] - 1];
        if (a == author || a.equals(author)) {
          return slots[i] - 1;
        }
      }
    }
    return -1;
  }

  /** {@code author}'s index, numbering it if it has none. */
  public int add(K author) {
    int h = author.hashCode();
    int mask = slots.length - 1;
    int i = home(h);
    for (; slots[i] != 0; i = (i + 1) & mask) {
      if (hashes[i] == h) {
        Object a = authors[slots[i] - 1];
        if (a == author || a.equals(author)) {
          return slots[i] - 1;
        }
      }
    }
    if (size == authors.length) {
      authors = Arrays.copyOf(authors, 2 * size);
    }
    authors[size] = author;
    size++;
    if (2 * size > slots.length) { // at most half full
      rehash(2 * slots.length);
    } else {
      slots[i] = size;
      hashes[i] = h;
    }
    return size - 1;
  }

  /** The author numbered {@code index}. */
  @SuppressWarnings("unchecked")
  public K author(int index) {
    return (K) authors[index];
  }

  /** How many authors are numbered: their indexes are 0..size-1. */
  public int size() {
    return size;
  }

  /**
   * Every author's index, in the order a {@code java.util.HashMap} with a table of {@code capacity}
   * buckets, keyed by the authors and filled in the order they were numbered, iterates them: by
   * bucket (the spread hash modulo the capacity), and within a bucket the authors put by {@code
   * computeIfAbsent} newest first (it links a new entry at the bucket's head), then those in {@code
   * put} (at its tail) oldest first. Where the maps this index replaced were iterated (a complete
   * digest's entries, a restart's holdings) this order is kept, so the simulation's seeded runs did
   * not change: the order of a digest's entries decides which ranges a receiver asks first. A
   * counting sort by bucket, redone only after an author was added or the capacity changed.
   */
  public int[] hashMapOrder(int capacity, BitSet put) {
    if (mapOrder.length != size || mapCapacity != capacity) {
      int[] start = new int[capacity + 1];
      for (int a = 0; a < size; a++) {
        start[bucket(a, capacity) + 1]++;
      }
      for (int b = 0; b < capacity; b++) {
        start[b + 1] += start[b];
      }
      int[] order = new int[size];
      for (int a = size - 1; a >= 0; a--) {
        if (!put.get(a)) {
          order[start[bucket(a, capacity)]++] = a;
        }
      }
      for (int a = put.nextSetBit(0); a >= 0 && a < size; a = put.nextSetBit(a + 1)) {
        order[start[bucket(a, capacity)]++] = a;
      }
      mapOrder = order;
      mapCapacity = capacity;
    }
    return mapOrder;
  }

  /**
   * The table size of a {@code java.util.HashMap} with {@code entries} entries, {@code capacity}
   * buckets before, after one more {@code computeIfAbsent} or {@code put} call: it doubles when its
   * entries are over three quarters of it, checked before {@code computeIfAbsent} inserts and after
   * {@code put} does (so a map filled by the first may lag one doubling behind).
   */
  public static int hashMapCapacity(int capacity, int entries) {
    return entries > capacity / 4 * 3 ? 2 * capacity : capacity;
  }

  private int bucket(int author, int capacity) {
    int h = authors[author].hashCode();
    return (h ^ (h >>> 16)) & (capacity - 1); // HashMap.hash, then its table index
  }

  private void rehash(int capacity) {
    slots = new int[capacity];
    hashes = new int[capacity];
    shift = Integer.numberOfLeadingZeros(capacity - 1);
    int mask = capacity - 1;
    for (int a = 0; a < size; a++) {
      int h = authors[a].hashCode();
      int i = home(h);
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = a + 1;
      hashes[i] = h;
    }
  }

  private int home(int h) {
    return (h * 0x9E3779B9) >>> shift; // Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4)
  }
}
