package meshchat.peer.room;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * The Lamport times of the last {@code capacity} messages put, found by id: a ring of ids and times
 * in parallel arrays and an open-addressing index of ring positions (linear probing, deletion by
 * backward shift: Knuth, TAOCP vol. 3, 6.4, Algorithm R). The oldest is forgotten when a new one
 * comes, as a {@code LinkedHashMap} that removes its eldest entry would, in about 28 bytes a
 * message and no node: every peer keeps one, and a simulation runs thousands of peers in one heap
 * (docs/decisions/0009-per-author-state.md). A lookup, several per message received, reads these
 * arrays only: keeping the messages themselves cost two cache misses per probe (message, then id).
 * A position's seq and time sit side by side in one array: a hit reads one line for both, where two
 * arrays cost two (each peer's window is cold when its turn comes in a simulation).
 */
final class RecentMessages {
  /** What {@link #lamportOf} answers for an id not among the last ones put. */
  static final long ABSENT = Long.MIN_VALUE;

  private final PeerId[] origins;
  private final long[] seqTimes; // position i: its seq at 2i, its Lamport time at 2i + 1
  // ring position + 1 in the low posBits bits (0: empty), and above them as many bits of the
  // scrambled hash's low end as are left (5 for a capacity of 1,024), which a probe compares before
  // it reads the position's seq: an entry it passes costs a line of seqTimes only when they match
  // (1 in 32), where each one cost a line (session 23: most probes pass others or miss). A char (a
  // capacity is at most 65,535): 4 KB fewer for each of a simulation's peers, of the 28 KB its
  // window of 1,024 takes
  private final char[] index;
  private final int mask;
  private final int shift; // home = the top bits of the scrambled hash
  private final int posBits; // the low bits of an index entry that hold a position + 1
  private final int posMask;
  private final int tagMask; // of the scrambled hash's low bits kept above them
  private int next; // the ring position the next message takes
  private int size;

  /** The last {@code capacity} messages, 1..65,535. */
  RecentMessages(int capacity) {
    if (capacity < 1 || capacity > Character.MAX_VALUE) {
      throw new IllegalArgumentException("a capacity of 1..65535: " + capacity);
    }
    origins = new PeerId[capacity];
    seqTimes = new long[2 * capacity];
    index = new char[Integer.highestOneBit(capacity * 2 - 1) * 2]; // at most half full
    mask = index.length - 1;
    shift = Integer.numberOfLeadingZeros(mask);
    posBits = Integer.SIZE - Integer.numberOfLeadingZeros(capacity); // capacity fits
    posMask = (1 << posBits) - 1;
    tagMask = (1 << (Character.SIZE - posBits)) - 1; // 0 at a capacity of 32,768 and over
  }

  /**
   * The Lamport time of seq {@code seq} of {@code origin} among the last ones put, or {@link
   * #ABSENT}.
   */
  long lamportOf(PeerId origin, long seq) {
    int at = find(origin, seq);
    return at < 0 ? ABSENT : seqTimes[2 * at + 1];
  }

  /** Remembers {@code m}, forgetting the oldest if full; a message already held is replaced. */
  void put(ChatMessage m) {
    PeerId origin = m.origin();
    long seq = m.seq();
    int at = find(origin, seq);
    if (at >= 0) {
      seqTimes[2 * at + 1] = m.lamport();
      return;
    }
    if (size == origins.length) {
      remove(next); // the oldest
    } else {
      size++;
    }
    int h = scrambled(origin, seq);
    int i = h >>> shift;
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    origins[next] = origin;
    seqTimes[2 * next] = seq;
    seqTimes[2 * next + 1] = m.lamport();
    index[i] = (char) ((h & tagMask) << posBits | (next + 1));
    next = next + 1 == origins.length ? 0 : next + 1;
  }

  /** Forgets every message (one was taken back: see {@code Admission#forgetDelivered}). */
  void clear() {
    java.util.Arrays.fill(index, (char) 0);
    java.util.Arrays.fill(origins, null);
    next = 0;
    size = 0;
  }

  /** The ring position of (origin, seq), or -1. */
  private int find(PeerId origin, long seq) {
    int h = scrambled(origin, seq);
    int tag = h & tagMask;
    for (int i = h >>> shift, v; (v = index[i]) != 0; i = (i + 1) & mask) {
      if (v >>> posBits == tag) {
        int at = (v & posMask) - 1;
        if (seqTimes[2 * at] == seq && (origins[at] == origin || origins[at].equals(origin))) {
          return at;
        }
      }
    }
    return -1;
  }

  /** Removes the entry at ring position {@code at} from the index. */
  private void remove(int at) {
    int i = home(origins[at], seqTimes[2 * at]);
    while ((index[i] & posMask) != at + 1) {
      i = (i + 1) & mask; // it is held: the probe finds it before an empty slot
    }
    // shift back every later entry of the cluster whose home does not lie between the hole and it
    int hole = i;
    for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
      int p = (index[j] & posMask) - 1;
      int h = home(origins[p], seqTimes[2 * p]);
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = 0;
  }

  private int home(PeerId origin, long seq) {
    return scrambled(origin, seq) >>> shift;
  }

  private static int scrambled(PeerId origin, long seq) {
    // MessageId's hash, Fibonacci-scrambled (Knuth, 6.4): the top bits pick the home slot
    int h = 31 * origin.hashCode() + Long.hashCode(seq);
    return h * 0x9E3779B9;
  }
}
