package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * A set of message ids that lists them in the order they were first added, as a {@code
 * LinkedHashSet} does (adding one it holds keeps its place): the causal buffer's frontier, from
 * which every delivery removes its dependencies and its author's previous message and to which it
 * adds itself, and which is listed only when the peer writes. An open-addressing table like {@link
 * IdTable} (linear probing, at most half full, deletion by backward shift, ids placed by {@link
 * IdTable#hash}, a stored hash never 0 and 0 an empty slot), with the order each id was added in
 * beside it: a removal probes the hashes and reads an id only where one matches, where the linked
 * set read a bucket, a node and its id (each peer's set cold when its turn comes in a simulation:
 * 2.4 % of a 100-peer run, session 23), and a removal by author and seq makes no id. Listing sorts
 * by that order. Not thread-safe.
 */
final class OrderedIds {
  private static final int MIN_SLOTS = 16;
  // a listing packs an order and a slot in a long: orders stay below 2^31 (renumbered there)
  static final long MAX_ORDER = Integer.MAX_VALUE;

  private MessageId[] keys = new MessageId[MIN_SLOTS];
  private int[] hashes = new int[MIN_SLOTS];
  private long[] orders = new long[MIN_SLOTS];
  private int shift = 32 - Integer.numberOfTrailingZeros(MIN_SLOTS);
  private int size;
  private long added; // the next id's order
  private final long maxOrder;

  OrderedIds() {
    this(MAX_ORDER);
  }

  /**
   * A set whose orders are renumbered past {@code maxOrder} (for tests; at most {@link
   * #MAX_ORDER}).
   */
  OrderedIds(long maxOrder) {
    this.maxOrder = Math.min(maxOrder, MAX_ORDER);
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  boolean contains(MessageId id) {
    return find(id.origin(), id.seq(), IdTable.hash(id)) >= 0;
  }

  /** Adds {@code id} last, unless held (then its place is kept); true if it was not held. */
  boolean add(MessageId id) {
    int h = IdTable.hash(id);
    int mask = keys.length - 1;
    int i = home(h);
    for (int s; (s = hashes[i]) != 0; i = (i + 1) & mask) {
      if (s == h && same(keys[i], id.origin(), id.seq())) {
        return false;
      }
    }
    keys[i] = id;
    hashes[i] = h;
    orders[i] = added++;
    if (2 * ++size > keys.length) {
      grow();
    }
    if (added > maxOrder) {
      renumber();
    }
    return true;
  }

  /** The orders start again from 0, kept as they were among themselves: a listing packs them. */
  private void renumber() {
    List<MessageId> inOrder = list();
    added = 0;
    for (MessageId id : inOrder) {
      orders[find(id.origin(), id.seq(), IdTable.hash(id))] = added++;
    }
  }

  /** Adds each of {@code ids} in turn. */
  void addAll(List<MessageId> ids) {
    for (MessageId id : ids) {
      add(id);
    }
  }

  /** Removes {@code id}; true if it was held. */
  boolean remove(MessageId id) {
    return size != 0 && removeAt(find(id.origin(), id.seq(), IdTable.hash(id)));
  }

  /** Removes seq {@code seq} of {@code origin}, making no id; true if it was held. */
  boolean remove(PeerId origin, long seq) {
    return size != 0 && removeAt(find(origin, seq, IdTable.hash(origin, seq)));
  }

  /** The ids in the order they were first added. */
  List<MessageId> list() {
    List<MessageId> out = new ArrayList<>(size);
    if (size == 0) {
      return out;
    }
    long[] byOrder = new long[size]; // order << 32 | slot: sorted, the slots in order
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (hashes[i] != 0) {
        byOrder[n++] = orders[i] << 32 | i;
      }
    }
    Arrays.sort(byOrder);
    for (long v : byOrder) {
      out.add(keys[(int) v]);
    }
    return out;
  }

  private static boolean same(MessageId k, PeerId origin, long seq) {
    return k.seq() == seq && (k.origin() == origin || k.origin().equals(origin));
  }

  private int find(PeerId origin, long seq, int h) {
    if (size == 0) {
      return -1;
    }
    int mask = keys.length - 1;
    for (int i = home(h), s; (s = hashes[i]) != 0; i = (i + 1) & mask) {
      if (s == h && same(keys[i], origin, seq)) {
        return i;
      }
    }
    return -1;
  }

  private boolean removeAt(int at) {
    if (at < 0) {
      return false;
    }
    int mask = keys.length - 1;
    int hole = at;
    for (int j = (at + 1) & mask; hashes[j] != 0; j = (j + 1) & mask) {
      int h = home(hashes[j]);
      // j's entry stays unless its home lies cyclically outside (hole, j]
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        keys[hole] = keys[j];
        hashes[hole] = hashes[j];
        orders[hole] = orders[j];
        hole = j;
      }
    }
    keys[hole] = null;
    hashes[hole] = 0;
    size--;
    return true;
  }

  private void grow() {
    MessageId[] oldKeys = keys;
    int[] oldHashes = hashes;
    long[] oldOrders = orders;
    int slots = 2 * oldKeys.length;
    keys = new MessageId[slots];
    hashes = new int[slots];
    orders = new long[slots];
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
        orders[j] = oldOrders[i];
      }
    }
  }

  /** The longest run of occupied slots (a probe's worst case), for tests. */
  int longestCluster() {
    int longest = 0;
    int run = 0;
    for (int pass = 0; pass < 2; pass++) { // twice round, for a run that wraps past the end
      for (int h : hashes) {
        run = h == 0 ? 0 : run + 1;
        longest = Math.max(longest, Math.min(run, hashes.length));
      }
    }
    return longest;
  }

  private int home(int hash) {
    return (hash * 0x9E3779B9) >>> shift; // Fibonacci hashing (Knuth, 6.4)
  }
}
