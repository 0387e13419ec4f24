package meshchat.peer.store.memory;

import java.util.Arrays;

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
 */
final class OrderBlocks {
  static final int BLOCK = 256;

  private long[] slots = new long[BLOCK];
  // by logical block: its physical block, how many it holds, the index of its first
  private int[] order = new int[4];
  private int[] count = new int[4];
  private int[] start = new int[4];
  private int blocks = 1;
  private int size;

  int size() {
    return size;
  }

  long get(int index) {
    int b = blockOf(index);
    return slots[order[b] * BLOCK + index - start[b]];
  }

  /**
   * Inserts {@code value} at {@code index} (0..size), moving what was there and after up by one.
   */
  void insert(int index, long value) {
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
    slots[base + at] = value;
    count[b]++;
    for (int k = b + 1; k < blocks; k++) {
      start[k]++;
    }
    size++;
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
    count[b] = half;
    count[n] = BLOCK - half;
    start[n] = start[b] + half;
  }
}
