package meshchat.peer.room;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * A map from message id to a value, for the causal buffer's held messages and the ids they wait
 * for: an open-addressing table (linear probing, at most half full, deletion by backward shift:
 * Knuth, TAOCP vol. 3, 6.4, Algorithm R) of ids, their hashes and values in parallel arrays. A big
 * room's peer holds most first copies for a link delay or so (they come ahead of a dependency that
 * another author's tree brings), so every such message was an entry put in and taken out of two
 * {@code HashMap}s, a node each and a list per id waited for: here an entry is three array slots,
 * and a lookup compares the stored hash before it reads an id. A stored hash is never 0, and 0
 * marks an empty slot, so a probe reads the hashes alone until one matches: a miss (most deliveries
 * ask the waiter table for an id nobody waits for) costs one line of one array, where reading each
 * slot's id for emptiness cost a line of the ids as well (session 23). Not thread-safe; no
 * iteration order is promised ({@link #values} lists in table order).
 *
 * <p>Grows by doubling like a {@code HashMap} and, like it, never shrinks: its size is bounded by
 * what its owner bounds (the hold-back's budgets and {@code maxIncomplete}).
 *
 * <p>Ids are placed by {@link #hash}, a hash under a per-process secret ({@link PeerId#keyedHash}),
 * not by {@link MessageId#hashCode}: a sender names any ids it likes as dependencies, and ids with
 * one {@code hashCode} (seq {@code (k << 32) | (k ^ c)} for any k) all had one home slot. Linear
 * probing made them one cluster over the home slots of honest ids, so every delivery's lookup
 * walked it (a {@code HashMap} keeps such ids in their own bucket). Found in session 22's review;
 * pinned by {@code IdTableTest.idsWithOneHashCodeDoNotMakeOneCluster}.
 */
final class IdTable<V> {
  private static final int MIN_SLOTS = 16;

  private MessageId[] keys = new MessageId[MIN_SLOTS];
  private int[] hashes = new int[MIN_SLOTS];
  private Object[] values = new Object[MIN_SLOTS];
  private int shift = 32 - Integer.numberOfTrailingZeros(MIN_SLOTS);
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The value of {@code id}, or null. */
  @SuppressWarnings("unchecked")
  V get(MessageId id) {
    int at = find(id);
    return at < 0 ? null : (V) values[at];
  }

  boolean containsKey(MessageId id) {
    return find(id) >= 0;
  }

  /** Puts {@code value} (not null) for {@code id} unless it has one; returns the one it had. */
  @SuppressWarnings("unchecked")
  V putIfAbsent(MessageId id, V value) {
    int at = slot(id);
    if (hashes[at] != 0) {
      return (V) values[at];
    }
    claim(at, id, value);
    return null;
  }

  /**
   * The slot of {@code id}, or of the empty slot where it would go: {@link #valueAt} is null there,
   * and {@link #putAt} fills it. One probe for "add to what {@code id} has, or start it".
   */
  int slot(MessageId id) {
    int h = hash(id);
    int mask = keys.length - 1;
    for (int i = home(h); ; i = (i + 1) & mask) {
      int s = hashes[i];
      if (s == 0) {
        return i;
      }
      if (s == h) {
        MessageId k = keys[i];
        if (k == id || k.equals(id)) {
          return i;
        }
      }
    }
  }

  /** The value at slot {@code at} from {@link #slot}, or null if it is empty. */
  @SuppressWarnings("unchecked")
  V valueAt(int at) {
    return (V) values[at];
  }

  /**
   * Sets the value at slot {@code at}, which {@link #slot} just gave for {@code id} with nothing
   * changed since: an empty slot takes {@code id} (the table may grow, so {@code at} is spent).
   */
  void putAt(int at, MessageId id, V value) {
    if (hashes[at] == 0) {
      claim(at, id, value);
    } else {
      values[at] = value;
    }
  }

  /** Removes {@code id}; returns its value, or null. */
  @SuppressWarnings("unchecked")
  V remove(MessageId id) {
    int at = find(id);
    if (at < 0) {
      return null;
    }
    V v = (V) values[at];
    delete(at);
    return v;
  }

  /** The values, in table order (no order of insertion). */
  @SuppressWarnings("unchecked")
  List<V> values() {
    List<V> out = new ArrayList<>(size);
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        out.add((V) values[i]);
      }
    }
    return out;
  }

  private int find(MessageId id) {
    if (size == 0) {
      return -1;
    }
    int h = hash(id);
    int mask = keys.length - 1;
    for (int i = home(h); ; i = (i + 1) & mask) {
      int s = hashes[i];
      if (s == 0) {
        return -1;
      }
      if (s == h) {
        MessageId k = keys[i];
        if (k == id || k.equals(id)) {
          return i;
        }
      }
    }
  }

  private void claim(int at, MessageId id, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("no null values");
    }
    keys[at] = id;
    hashes[at] = hash(id);
    values[at] = value;
    if (2 * ++size > keys.length) {
      grow();
    }
  }

  /** Empties slot {@code at}, shifting back each later entry of its cluster that may move. */
  private void delete(int at) {
    int mask = keys.length - 1;
    int hole = at;
    for (int j = (at + 1) & mask; hashes[j] != 0; j = (j + 1) & mask) {
      int h = home(hashes[j]);
      // j's entry stays unless its home lies cyclically outside (hole, j]
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        keys[hole] = keys[j];
        hashes[hole] = hashes[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = null;
    hashes[hole] = 0;
    values[hole] = null;
    size--;
  }

  private void grow() {
    MessageId[] oldKeys = keys;
    int[] oldHashes = hashes;
    Object[] oldValues = values;
    int slots = 2 * oldKeys.length;
    keys = new MessageId[slots];
    hashes = new int[slots];
    values = new Object[slots];
    shift = 32 - Integer.numberOfTrailingZeros(slots);
    int mask = slots - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldHashes[i] != 0) {
        int j = home(oldHashes[i]);
        while (hashes[j] != 0) {
          j = (j + 1) & mask;
        }
        keys[j] = oldKeys[i];
        hashes[j] = oldHashes[i];
        values[j] = oldValues[i];
      }
    }
  }

  /** {@code id}'s hash under the process's secret: its origin's keyed hash, mixed with its seq. */
  static int hash(MessageId id) {
    return hash(id.origin(), id.seq());
  }

  /** {@link #hash(MessageId)} of seq {@code seq} of {@code origin}, without making the id. */
  static int hash(PeerId origin, long seq) {
    long z = PeerId.fmix64(origin.keyedHash() ^ (seq * 0x9E3779B97F4A7C15L));
    int h = (int) (z >>> 32);
    return h != 0 ? h : 1; // 0 marks an empty slot
  }

  /** The longest run of occupied slots (a probe's worst case), for tests. */
  int longestCluster() {
    int longest = 0;
    int run = 0;
    for (int pass = 0; pass < 2; pass++) { // twice round, for a run that wraps past the end
      for (MessageId k : keys) {
        run = k == null ? 0 : run + 1;
        longest = Math.max(longest, Math.min(run, keys.length));
      }
    }
    return longest;
  }

  private int home(int hash) {
    return (hash * 0x9E3779B9) >>> shift; // Fibonacci hashing (Knuth, 6.4)
  }
}
