package meshchat.peer.store.sqlite;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * The canonical keys (lamport, origin, seq) of the highest stored messages, so that {@code
 * predecessor} is answered from memory for a message shown late among the newest ones: in the
 * SQLite throughput cell that query ran for about half of the messages shown and took 11.6 % of the
 * room threads' samples (docs/benchmarks.md, session 21).
 *
 * <p>The invariant that makes an answer exact: every stored key above the cutoff is kept here (no
 * cutoff: every stored key is). A key at or below the cutoff is not kept; past {@link #capacity}
 * the lowest key goes and becomes the cutoff. So the highest kept key below a probe is the highest
 * stored one; if none is kept below it, only the absence of a cutoff proves there is none, else the
 * caller asks SQLite. A rollback takes rows away: the window is emptied and the cutoff set to the
 * highest key then stored ({@link #reset}). Guarded by the database's lock, like the store.
 *
 * <p>The keys lie sorted in blocks of at most {@link #BLOCK}, each three arrays side by side, the
 * blocks in ascending order. A {@code TreeSet} of key records held them until session 23: 17 levels
 * of nodes at 65,536 keys, a cache miss and a key comparison each, for every message stored and
 * every late one shown, took 7.2 % of the room threads' samples in the SQLite throughput cell
 * (docs/benchmarks.md, session 23). Nearly every key stored is above the highest kept (one array
 * write at the end), nearly every search ends in the last blocks (found by galloping down from the
 * last), an insert shifts inside its block only, and the lowest key leaves by moving its block's
 * start. A key costs 20 bytes here, not a ~72-byte node.
 */
final class RecentOrder {
  static final int BLOCK = 256;

  private static final class Block {
    final long[] lamports;
    final long[] seqs;
    final PeerId[] origins;
    int lo; // the first live entry
    int hi; // past the last live entry

    Block(int size) {
      lamports = new long[size];
      seqs = new long[size];
      origins = new PeerId[size];
    }
  }

  private final int capacity;
  private final int blockSize;
  private Block[] blocks = new Block[4];
  // each block's first time, side by side, so that a search gallops over one array and reads a
  // block only where times are equal or once it has found it
  private long[] firsts = new long[4];
  private int count; // blocks in use, each holding at least one key
  private int size; // keys kept
  private boolean cut; // whether a cutoff exists: keys at or below it may be stored but not kept
  private long cutLamport;
  private PeerId cutOrigin;
  private long cutSeq;
  // one id object per origin for the keys, so that a key does not keep a copy of its message's id
  // alive; emptied past MAX_ORIGINS (keys keep the ones they hold)
  private final Map<PeerId, PeerId> origins = new HashMap<>();
  private static final int MAX_ORIGINS = 4_096;
  private boolean known; // false until reset() says where the stored keys end

  RecentOrder(int capacity) {
    this(capacity, BLOCK);
  }

  /**
   * With blocks of {@code blockSize} keys (tests use small ones to split and empty blocks often).
   */
  RecentOrder(int capacity, int blockSize) {
    if (capacity < 1 || blockSize < 2) {
      throw new IllegalArgumentException("capacity " + capacity + ", block " + blockSize);
    }
    this.capacity = capacity;
    this.blockSize = blockSize;
  }

  /** Whether {@link #reset} must run before the next use (at the start, after a rollback). */
  boolean unknown() {
    return !known;
  }

  /** Keys kept now (for tests). */
  int size() {
    return size;
  }

  /** Throws if the blocks are not sorted, or a block's first time is not where searches read it. */
  void checkShape() {
    int n = 0;
    for (int bi = 0; bi < count; bi++) {
      Block b = blocks[bi];
      if (b.lo >= b.hi || firsts[bi] != b.lamports[b.lo]) {
        throw new IllegalStateException("block " + bi + " of " + count);
      }
      for (int k = b.lo; k < b.hi; k++) {
        boolean first = bi == 0 && k == b.lo;
        Block pb = k == b.lo ? (bi == 0 ? null : blocks[bi - 1]) : b;
        int pk = k == b.lo ? (pb == null ? -1 : pb.hi - 1) : k - 1;
        if (!first && compareAt(b.lamports[k], b.origins[k], b.seqs[k], pb, pk) <= 0) {
          throw new IllegalStateException("unsorted at block " + bi + " slot " + k);
        }
      }
      n += b.hi - b.lo;
    }
    if (n != size) {
      throw new IllegalStateException(n + " keys, size " + size);
    }
  }

  /**
   * Empties the window; the highest key stored now is (lamport, origin, seq), or {@code any} is
   * false if nothing is stored.
   */
  void reset(long lamport, PeerId origin, long seq, boolean any) {
    clear();
    cut = any;
    cutLamport = lamport;
    cutOrigin = origin;
    cutSeq = seq;
    known = true;
  }

  /** Forgets everything (a rollback): {@link #reset} runs before the next use. */
  void forget() {
    clear();
    origins.clear();
    known = false;
  }

  private void clear() {
    Arrays.fill(blocks, 0, count, null);
    count = 0;
    size = 0;
  }

  /** A message was stored. */
  void stored(long lamport, PeerId origin, long seq) {
    if (cut && compare(lamport, origin, seq, cutLamport, cutOrigin, cutSeq) <= 0) {
      return;
    }
    PeerId shared = origins.putIfAbsent(origin, origin);
    if (shared == null) {
      shared = origin;
      if (origins.size() > MAX_ORIGINS) {
        origins.clear();
      }
    }
    insert(lamport, shared, seq);
    if (size > capacity) {
      removeLowest();
    }
  }

  private void insert(long lamport, PeerId origin, long seq) {
    if (count == 0) {
      Block b = newBlock(0);
      put(b, b.hi++, lamport, origin, seq);
      firsts[0] = lamport;
      size++;
      return;
    }
    Block last = blocks[count - 1];
    int c = compareAt(lamport, origin, seq, last, last.hi - 1);
    if (c > 0) { // above every kept key: the common case
      if (last.hi == blockSize) {
        last = newBlock(count);
        firsts[count - 1] = lamport;
      }
      put(last, last.hi++, lamport, origin, seq);
      size++;
      return;
    }
    if (c == 0) {
      return; // kept already (a set, as the tree was)
    }
    int bi = lastBlockStartingBelow(lamport, origin, seq);
    if (bi < 0) {
      bi = 0; // below every kept key (yet above the cutoff): first in the first block
    }
    Block b = blocks[bi];
    int at = lowerBound(b, lamport, origin, seq);
    if (at < b.hi
        ? compareAt(lamport, origin, seq, b, at) == 0
        : bi + 1 < count
            && compareAt(lamport, origin, seq, blocks[bi + 1], blocks[bi + 1].lo) == 0) {
      return; // kept already: here, or first in the next block
    }
    if (b.hi < blockSize) {
      shiftUp(b, at);
      put(b, at, lamport, origin, seq);
    } else if (b.lo > 0) {
      shiftDown(b, at);
      put(b, at - 1, lamport, origin, seq);
    } else { // full: its upper half moves to a new block after it
      Block n = newBlock(bi + 1);
      int half = blockSize / 2;
      int moved = blockSize - half;
      System.arraycopy(b.lamports, half, n.lamports, 0, moved);
      System.arraycopy(b.seqs, half, n.seqs, 0, moved);
      System.arraycopy(b.origins, half, n.origins, 0, moved);
      Arrays.fill(b.origins, half, blockSize, null);
      n.hi = moved;
      b.hi = half;
      firsts[bi + 1] = n.lamports[0];
      if (at > half) {
        at -= half;
        b = n;
        bi++;
      }
      shiftUp(b, at);
      put(b, at, lamport, origin, seq);
    }
    firsts[bi] = b.lamports[b.lo];
    size++;
  }

  private void removeLowest() {
    Block first = blocks[0];
    cut = true;
    cutLamport = first.lamports[first.lo];
    cutOrigin = first.origins[first.lo];
    cutSeq = first.seqs[first.lo];
    first.origins[first.lo] = null;
    first.lo++;
    size--;
    if (first.lo == first.hi) {
      System.arraycopy(blocks, 1, blocks, 0, count - 1);
      System.arraycopy(firsts, 1, firsts, 0, count - 1);
      blocks[--count] = null;
    } else {
      firsts[0] = first.lamports[first.lo];
    }
  }

  /**
   * The stored message right before {@code ts} in canonical order: present if known here, {@code
   * Optional.empty()} inside if known that none is, null if SQLite must be asked.
   */
  Optional<MessageId> predecessor(LamportTimestamp ts) {
    // below (time, origin, any seq): a probe with the lowest seq sorts before every key of its own
    int bi = lastBlockStartingBelow(ts.time(), ts.origin(), Long.MIN_VALUE);
    if (bi < 0) {
      return cut ? null : Optional.empty();
    }
    Block b = blocks[bi];
    int at = lowerBound(b, ts.time(), ts.origin(), Long.MIN_VALUE) - 1; // > lo: its first is below
    return Optional.of(new MessageId(b.origins[at], b.seqs[at]));
  }

  /** The last block whose first key is below the given one, or -1: galloping down from the last. */
  private int lastBlockStartingBelow(long lamport, PeerId origin, long seq) {
    int top = count - 1;
    if (top < 0) {
      return -1;
    }
    if (startsBelow(top, lamport, origin, seq)) {
      return top;
    }
    int hi = top - 1; // the answer is at most hi
    int lo = -1; // and at least lo
    for (int step = 1; top - step >= 0; step <<= 1) {
      int probe = top - step;
      if (startsBelow(probe, lamport, origin, seq)) {
        lo = probe;
        break;
      }
      hi = probe - 1;
    }
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (startsBelow(mid, lamport, origin, seq)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private boolean startsBelow(int bi, long lamport, PeerId origin, long seq) {
    long first = firsts[bi];
    if (first != lamport) {
      return first < lamport;
    }
    Block b = blocks[bi];
    return compareAt(lamport, origin, seq, b, b.lo) > 0;
  }

  /** The first slot of {@code b} whose key is not below the given one ({@code hi} if none). */
  private static int lowerBound(Block b, long lamport, PeerId origin, long seq) {
    int l = b.lo;
    int h = b.hi;
    while (l < h) {
      int mid = (l + h) >>> 1;
      if (compareAt(lamport, origin, seq, b, mid) > 0) {
        l = mid + 1;
      } else {
        h = mid;
      }
    }
    return l;
  }

  private static void shiftUp(Block b, int at) {
    int n = b.hi - at;
    System.arraycopy(b.lamports, at, b.lamports, at + 1, n);
    System.arraycopy(b.seqs, at, b.seqs, at + 1, n);
    System.arraycopy(b.origins, at, b.origins, at + 1, n);
    b.hi++;
  }

  /** Moves the keys in [lo, at) one slot down, freeing slot {@code at - 1}. */
  private static void shiftDown(Block b, int at) {
    int n = at - b.lo;
    System.arraycopy(b.lamports, b.lo, b.lamports, b.lo - 1, n);
    System.arraycopy(b.seqs, b.lo, b.seqs, b.lo - 1, n);
    System.arraycopy(b.origins, b.lo, b.origins, b.lo - 1, n);
    b.lo--;
  }

  private static void put(Block b, int slot, long lamport, PeerId origin, long seq) {
    b.lamports[slot] = lamport;
    b.origins[slot] = origin;
    b.seqs[slot] = seq;
  }

  private Block newBlock(int at) {
    if (count == blocks.length) {
      blocks = Arrays.copyOf(blocks, 2 * count);
      firsts = Arrays.copyOf(firsts, 2 * count);
    }
    System.arraycopy(blocks, at, blocks, at + 1, count - at);
    System.arraycopy(firsts, at, firsts, at + 1, count - at);
    Block b = new Block(blockSize);
    blocks[at] = b;
    count++;
    return b;
  }

  /** The given key against the one in {@code slot} of {@code b}, in canonical order. */
  private static int compareAt(long lamport, PeerId origin, long seq, Block b, int slot) {
    return compare(lamport, origin, seq, b.lamports[slot], b.origins[slot], b.seqs[slot]);
  }

  private static int compare(
      long lamport, PeerId origin, long seq, long lamport2, PeerId origin2, long seq2) {
    if (lamport != lamport2) {
      return lamport < lamport2 ? -1 : 1;
    }
    int c = origin.compareTo(origin2);
    return c != 0 ? c : Long.compare(seq, seq2);
  }
}
