package meshchat.peer.store.memory;

import java.util.Arrays;
import meshchat.peer.message.PeerId;

/**
 * A list of {@code long}s with inserts anywhere, in blocks of at most {@link #BLOCK}: the packed
 * store's canonical order. One flat array held every address, and an insert shifted all that sorts
 * after it; in the throughput cell the messages still in flight when a peer's own ones are stored
 * (a window of thousands) land that far from the end, and the shifts took a quarter of the room
 * threads' CPU (docs/benchmarks.md, session 17). Here an insert shifts within its block only, and
 * updates the starts of the blocks after it: inserts land near the end, so those are few.
 *
 * <p>Every block lives in one flat array ({@code slots}, block {@code p} at {@code p * BLOCK}), and
 * {@code order} says which physical block is the i-th: as with the arena, no object per block for a
 * young collection to copy. A full block splits in two halves, except the last one when the insert
 * is at the very end (appends fill blocks, they do not leave them half empty).
 *
 * <p>Each entry also has a key (the message's Lamport time), in an array beside the values, so that
 * {@link #search} finds a place by reading keys that lie together: a search by index read the
 * message's time from the arena at each step (a cache miss each, at any size the throughput cell
 * reaches) and found each step's block again by a search of its own, and the room asks for a late
 * line's predecessor for nearly every line it shows early (docs/benchmarks.md, session 22). And a
 * tie (an int, the store's number of the message's author) beside each key, which entries of equal
 * keys compare by: in the throughput cell the authors' Lamport times run together, so most searches
 * meet equal keys, and each such step read the message's author from the arena, a cache miss
 * (docs/benchmarks.md, session 23).
 */
final class OrderBlocks {
  static final int BLOCK = 256;

  /** How entries whose key equals a searched one compare with it: by origin. */
  interface Ties {
    /** The entry whose tie is {@code tie} against {@code origin}, in canonical order. */
    int compareOrigin(int tie, PeerId origin);
  }

  private long[] slots = new long[BLOCK];
  private long[] keys = new long[BLOCK]; // each slot's key, beside it
  private int[] tie = new int[BLOCK]; // each slot's tie, beside it
  // by logical block: its physical block, how many it holds, the index of its first
  private int[] order = new int[4];
  private int[] count = new int[4];
  private int[] start = new int[4];
  private int blocks = 1;
  private int size;
  // the last insert's slot and the slot of the entry before it (NONE: it went first), while the
  // list is as that insert left it (size still sizeAfterLast: nothing is ever removed)
  private int lastInserted;
  private int beforeLast;
  private int sizeAfterLast = -1;

  /** {@link #beforeLastInsert}'s answers besides a slot. */
  static final int NONE = -1;

  static final int UNKNOWN = -2;

  int size() {
    return size;
  }

  long get(int index) {
    int b = blockOf(index);
    return slots[order[b] * BLOCK + index - start[b]];
  }

  /** The key of the entry at {@code index}. */
  long keyAt(int index) {
    int b = blockOf(index);
    return keys[order[b] * BLOCK + index - start[b]];
  }

  /** The tie of the entry at {@code index}. */
  int tieAt(int index) {
    int b = blockOf(index);
    return tie[order[b] * BLOCK + index - start[b]];
  }

  /** Inserts {@code value} with key and tie 0 (for what never searches). */
  void insert(int index, long value) {
    insert(index, value, 0, 0);
  }

  /**
   * Inserts {@code value} with {@code key} and {@code tie} at {@code index} (0..size), moving what
   * was there and after up by one. The caller keeps the entries sorted by key, then by tie as its
   * {@link Ties} compares them, for {@link #search}.
   */
  void insert(int index, long value, long key, int tie) {
    if (index < 0 || index > size) {
      throw new IndexOutOfBoundsException(index + " of " + size);
    }
    int b = index == size ? blocks - 1 : blockOf(index);
    if (count[b] == BLOCK) {
      if (index == size) {
        b = addBlockAfter(b);
      } else {
        split(b);
        if (index - start[b] > count[b]) {
          b++;
        }
      }
    }
    int base = order[b] * BLOCK;
    int at = index - start[b];
    System.arraycopy(slots, base + at, slots, base + at + 1, count[b] - at);
    System.arraycopy(keys, base + at, keys, base + at + 1, count[b] - at);
    System.arraycopy(this.tie, base + at, this.tie, base + at + 1, count[b] - at);
    slots[base + at] = value;
    keys[base + at] = key;
    this.tie[base + at] = tie;
    count[b]++;
    for (int k = b + 1; k < blocks; k++) {
      start[k]++;
    }
    size++;
    lastInserted = base + at;
    beforeLast = at > 0 ? base + at - 1 : b > 0 ? lastSlot(b - 1) : NONE;
    sizeAfterLast = size;
  }

  /**
   * What {@link #search}{@code (key, origin, false, ties)} would find before it, without a search,
   * if the last insert was of ({@code key}, {@code origin}) and nothing was inserted since: the
   * slot of the entry right before it if that entry sorts strictly before (so the inserted one is
   * the first not before), {@link #NONE} if the inserted one is first, else {@link #UNKNOWN}. A
   * line shown late right after it is stored asks for its predecessor: that was a second search of
   * the order per such line, right after the insert's own (docs/benchmarks.md, session 29).
   */
  int beforeLastInsert(long key, PeerId origin, Ties ties) {
    if (size != sizeAfterLast
        || keys[lastInserted] != key
        || ties.compareOrigin(tie[lastInserted], origin) != 0) {
      return UNKNOWN;
    }
    if (beforeLast == NONE) {
      return NONE;
    }
    long k = keys[beforeLast];
    return k < key || (k == key && ties.compareOrigin(tie[beforeLast], origin) < 0)
        ? beforeLast
        : UNKNOWN;
  }

  /**
   * Where the entry at {@code index} (< size) lives, for {@link #valueAt} and {@link #tieOfSlot}:
   * one search of the blocks for both.
   */
  int slot(int index) {
    int b = blockOf(index);
    return order[b] * BLOCK + index - start[b];
  }

  /** The value in {@code slot}, as {@link #slot} names it. */
  long valueAt(int slot) {
    return slots[slot];
  }

  /** The tie in {@code slot}, as {@link #slot} names it. */
  int tieOfSlot(int slot) {
    return tie[slot];
  }

  /** The logical block holding {@code index} (< size): the last whose start is at most it. */
  private int blockOf(int index) {
    int lo = 0;
    int hi = blocks - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (start[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Makes an empty block right after logical block {@code b} and returns its logical index. */
  private int addBlockAfter(int b) {
    if (blocks == order.length) {
      order = Arrays.copyOf(order, 2 * blocks);
      count = Arrays.copyOf(count, 2 * blocks);
      start = Arrays.copyOf(start, 2 * blocks);
    }
    if ((blocks + 1) * BLOCK > slots.length) {
      slots = Arrays.copyOf(slots, 2 * slots.length);
      keys = Arrays.copyOf(keys, slots.length);
      tie = Arrays.copyOf(tie, slots.length);
    }
    int n = b + 1;
    System.arraycopy(order, n, order, n + 1, blocks - n);
    System.arraycopy(count, n, count, n + 1, blocks - n);
    System.arraycopy(start, n, start, n + 1, blocks - n);
    order[n] = blocks; // physical blocks are used in the order they are made
    count[n] = 0;
    start[n] = start[b] + count[b];
    blocks++;
    return n;
  }

  /** Moves the upper half of full logical block {@code b} into a new block right after it. */
  private void split(int b) {
    int n = addBlockAfter(b);
    int half = BLOCK / 2;
    System.arraycopy(slots, order[b] * BLOCK + half, slots, order[n] * BLOCK, BLOCK - half);
    System.arraycopy(keys, order[b] * BLOCK + half, keys, order[n] * BLOCK, BLOCK - half);
    System.arraycopy(tie, order[b] * BLOCK + half, tie, order[n] * BLOCK, BLOCK - half);
    count[b] = half;
    count[n] = BLOCK - half;
    start[n] = start[b] + half;
  }

  /**
   * The first index whose entry does not sort before ({@code key}, {@code origin}) (nor equal to
   * it, if {@code pastEqual}), the entries sorted by key and then by {@code ties}: the block by the
   * keys of the blocks' last entries, galloping down from the last block (where nearly every search
   * ends), then a halving inside the block. Origins are compared only where keys are equal, by the
   * entries' ties.
   */
  int search(long key, PeerId origin, boolean pastEqual, Ties ties) {
    if (size == 0) {
      return 0;
    }
    int last = blocks - 1;
    if (before(lastSlot(last), key, origin, pastEqual, ties)) {
      return size;
    }
    int lo = 0;
    int hi = last; // the first block whose last entry is not before is at most hi
    for (int step = 1; last - step >= 0; step <<= 1) {
      int probe = last - step;
      if (before(lastSlot(probe), key, origin, pastEqual, ties)) {
        lo = probe + 1;
        break;
      }
      hi = probe;
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (before(lastSlot(mid), key, origin, pastEqual, ties)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int base = order[hi] * BLOCK;
    int l = 0;
    int h = count[hi] - 1; // its last entry is not before
    while (l < h) {
      int mid = (l + h) >>> 1;
      if (before(base + mid, key, origin, pastEqual, ties)) {
        l = mid + 1;
      } else {
        h = mid;
      }
    }
    return start[hi] + l;
  }

  private int lastSlot(int b) {
    return order[b] * BLOCK + count[b] - 1;
  }

  private boolean before(int slot, long key, PeerId origin, boolean pastEqual, Ties ties) {
    long k = keys[slot];
    if (k != key) {
      return k < key;
    }
    int c = ties.compareOrigin(tie[slot], origin);
    return c < 0 || (pastEqual && c == 0);
  }
}
