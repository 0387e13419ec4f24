package meshchat.peer.sync;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Authors numbered 0, 1, 2... in the order they were first stored: one lookup per message turns its
 * author into an index, and per-author state (a room's holdings, its causal buffer's pending
 * counts, anti-entropy's snapshots; the in-memory store's logs) lives in arrays read by that index
 * instead of a hash map each, which a big room's peer paid for several times per message and about
 * 50 bytes per (peer, author) each (docs/decisions/0013-a-dense-author-index.md). Not thread-safe.
 *
 * <p>An open-addressing table (linear probing, at most 3/4 full) of one {@code char} per slot (an
 * {@code int} past 65,536 slots): the author's index + 1 in the low bits (0: empty), as many as the
 * table has slots, and above them the author's hash's own bits, which a probe compares before it
 * reads the author: 2.7 to 3.3 bytes per author where an index and a hash in two ints cost 11 to 13
 * (a 10,000-author room's 10,000 peers keep one table each). A simulation's peers are cold when
 * their turn comes, and every message's author (and deps) is looked up here: a probe reads one line
 * of the table, and the author only when its hash's bits match. No author is ever removed: its
 * owner numbers only authors whose messages it stores, so the index never outgrows the store,
 * whatever a stranger names in deps or digests.
 *
 * <p><b>Entries.</b> An index made with a {@code keyOf} function keeps, in the author's place, any
 * object that function maps to the author ({@link #entry}, {@link #setEntry}): the in-memory store
 * keeps an author's one message there, not the author and, in an array of its own, the message (a
 * reference per (peer, author) fewer: 400 MB at 10,000 peers). Whoever shares the index sees only
 * the authors.
 */
public final class AuthorIndex<K> {
  private static final int MIN_SLOTS = 16;
  // the most slots (an index + 1 below it leaves 2 bits of hash): 3/4 of it, over 800 million
  // authors, is the most an index numbers
  private static final int MAX_SLOTS = 1 << 30;
  // the most slots a char table has: index + 1 (at most 3/4 of them) fits its 16 bits
  static final int NARROW_SLOTS = 1 << 16;

  private Object[] authors = new Object[8]; // K, or an entry keyOf maps to a K
  // What an entry maps to its author by; for an index whose entries are its authors, the identity.
  // Never null, and never asked of an entry of the first author's class, which is that author: so
  // a probe branches on the entry's class, the same test for both kinds of index, and not on which
  // kind it is. The kind was a branch that a simulation's every room took one way until a crashed
  // peer restarted with history (its room then numbers its own authors), and the one-sided branch,
  // inlined into 21 compiled methods (Room.dispatch, AntiEntropy.requestNext among them), sent
  // each back to the interpreter and the compiler (docs/simulation.md, session 27).
  private final Function<Object, K> keyOf;
  private Class<?> keyClass; // the class of the first author numbered; null while none is
  private int size;
  // per slot: (hash bits << bits) | index + 1, with 2^bits slots; 0: empty. In a char while there
  // are at most 2^16 slots (up to 49,152 authors: 2 bytes per slot, where an int took 4 and a
  // 10,000-author room's peers keep 16,384 slots each), in an int past that.
  private char[] narrow = new char[MIN_SLOTS];
  private int[] table; // null while narrow
  private int bits = Integer.numberOfTrailingZeros(MIN_SLOTS);
  // The author last found or numbered (this instance) and its index, which never changes: one
  // message's handling asks for its author several times between its deps' (the window check,
  // holdings, the prefix, the causal buffer), each a probe of a table cold when the peer's turn
  // comes in a simulation (AuthorIndex.find: 5.8 % of a 100-peer run, session 23). Compared by
  // identity only, so nothing a stranger names can make it answer for another author.
  private Object lastAuthor;
  private int lastIndex;

  /** An index whose entries are the authors themselves. */
  @SuppressWarnings("unchecked")
  public AuthorIndex() {
    this.keyOf = (Function<Object, K>) IDENTITY;
  }

  private static final Function<Object, Object> IDENTITY = e -> e;

  /**
   * An index whose entries may be any object {@code keyOf} maps to its author (an author itself
   * among them: what {@link #add} puts); {@code keyOf} must be cheap, as every probe that reaches
   * an entry calls it.
   */
  public AuthorIndex(Function<Object, K> keyOf) {
    this.keyOf = Objects.requireNonNull(keyOf);
  }

  /** {@code author}'s index, or -1 if it has none. */
  public int indexOf(K author) {
    if (author == lastAuthor) {
      return lastIndex;
    }
    int found = find(author, mix(hashOf(author)));
    if (found < 0) {
      return -1;
    }
    lastAuthor = author;
    lastIndex = found;
    return found;
  }

  /** {@code author}'s index, numbering it if it has none. */
  public int add(K author) {
    if (author == lastAuthor) {
      return lastIndex;
    }
    int h = mix(hashOf(author));
    int found = find(author, h);
    if (found >= 0) {
      lastAuthor = author;
      lastIndex = found;
      return found;
    }
    int i = -found - 1; // the empty slot the probe stopped at
    if (size == Integer.MAX_VALUE - 8 || 4L * (size + 1) > 3L * MAX_SLOTS) {
      throw new IllegalStateException("too many authors: " + size);
    }
    if (size == authors.length) {
      authors = Arrays.copyOf(authors, grownLength(size, size));
    }
    authors[size] = author;
    if (size == 0) {
      keyClass = author.getClass();
    }
    size++;
    int slots = 1 << bits;
    if (4L * size > 3L * slots) { // at most 3/4 full
      rehash(2 * slots);
    } else if (narrow != null) {
      narrow[i] = (char) (h << bits | size);
    } else {
      table[i] = h << bits | size;
    }
    lastAuthor = author;
    lastIndex = size - 1;
    return size - 1;
  }

  /**
   * {@code author}'s index if it has one, else {@code -(slot + 1)} for the empty slot its probe
   * ended at. The tag compared is the hash's bits above the index's: 32 - bits of them in an int
   * slot, 16 - bits in a char one (2 at 16,384 slots, a 10,000-author room's: a quarter of the
   * other authors a probe passes are read).
   */
  private int find(Object author, int h) {
    int mask = (1 << bits) - 1;
    int home = h >>> (32 - bits);
    if (narrow != null) {
      char[] t = narrow;
      int tag = h << bits & 0xFFFF & ~mask;
      int i = home;
      for (int v; (v = t[i]) != 0; i = (i + 1) & mask) {
        if ((v & ~mask) == tag) {
          Object a = keyAt((v & mask) - 1);
          if (a == author || a.equals(author)) {
            return (v & mask) - 1;
          }
        }
      }
      return -i - 1;
    }
    int[] t = table;
    int tag = h << bits;
    int i = home;
    for (int v; (v = t[i]) != 0; i = (i + 1) & mask) {
      if ((v & ~mask) == tag) {
        Object a = keyAt((v & mask) - 1);
        if (a == author || a.equals(author)) {
          return (v & mask) - 1;
        }
      }
    }
    return -i - 1;
  }

  /**
   * The length to grow an array by author index to, from {@code length}, so that it holds index
   * {@code index}: half again, not twice. Every per-author array of a peer grows so (a dozen of
   * them), and doubling left a 10,000-author room's arrays 16,384 long, 64% more than used.
   */
  public static int grownLength(int length, int index) {
    return Math.max(index + 1, Math.max(8, length + (length >> 1)));
  }

  /** The author numbered {@code index}. */
  @SuppressWarnings("unchecked")
  public K author(int index) {
    return (K) keyAt(index);
  }

  /** The entry at {@code index}: its author, or what was set there since. */
  public Object entry(int index) {
    Objects.checkIndex(index, size);
    return authors[index];
  }

  /**
   * Puts {@code entry} in the place of author {@code index}, which it must map to (an index made
   * without {@code keyOf} takes only the author itself).
   *
   * @throws IllegalArgumentException if {@code entry} is not of that author
   */
  public void setEntry(int index, Object entry) {
    Objects.checkIndex(index, size);
    Object key = keyOf.apply(entry);
    Object author = keyAt(index);
    if (key != author && (key == null || !key.equals(author))) {
      throw new IllegalArgumentException("an entry of another author at " + index);
    }
    authors[index] = entry;
  }

  private Object keyAt(int index) {
    Object e = authors[index];
    return e.getClass() == keyClass ? e : keyOf.apply(e); // an author maps to itself
  }

  /** How many authors are numbered: their indexes are 0..size-1. */
  public int size() {
    return size;
  }

  private void rehash(int slots) {
    bits = Integer.numberOfTrailingZeros(slots);
    int mask = slots - 1;
    if (slots <= NARROW_SLOTS) {
      char[] t = new char[slots];
      for (int a = 0; a < size; a++) {
        int h = mix(hashOf(keyAt(a)));
        int i = h >>> (32 - bits);
        while (t[i] != 0) {
          i = (i + 1) & mask;
        }
        t[i] = (char) (h << bits | (a + 1));
      }
      narrow = t;
      return;
    }
    int[] t = new int[slots];
    for (int a = 0; a < size; a++) {
      int h = mix(hashOf(keyAt(a)));
      int i = h >>> (32 - bits);
      while (t[i] != 0) {
        i = (i + 1) & mask;
      }
      t[i] = h << bits | (a + 1);
    }
    table = t;
    narrow = null;
  }

  /**
   * The hash a key is placed by: a peer id's keyed hash (a secret drawn per process over every
   * byte, {@link KeyedHash}, {@code PeerId.keyedHash}), any other key's own. A peer id's {@code
   * hashCode} is the bytes' polynomial hash, which anyone can collide on purpose (two bytes {@code
   * (k, -31k)} add nothing to it), and authors placed by it would pile into one cluster that every
   * lookup near it walks (security.md; {@code AuthorIndexTest}).
   */
  private static int hashOf(Object key) {
    return key instanceof KeyedHash k ? (int) (k.keyedHash() >>> 32) : key.hashCode();
  }

  /** The longest run of taken slots, wrapping round (for tests). */
  int longestCluster() {
    int slots = 1 << bits;
    int longest = 0;
    int run = 0;
    for (int k = 0; k < 2 * slots; k++) { // twice round, for a run that wraps past the end
      int i = k & (slots - 1);
      boolean taken = narrow != null ? narrow[i] != 0 : table[i] != 0;
      run = taken ? run + 1 : 0;
      longest = Math.max(longest, Math.min(run, slots));
    }
    return longest;
  }

  /**
   * The hash spread over all 32 bits (Fibonacci hashing, Knuth, TAOCP vol. 3, 6.4): its top bits
   * pick the home slot, its low bits are kept in the slot above the index.
   */
  private static int mix(int h) {
    return h * 0x9E3779B9;
  }
}
