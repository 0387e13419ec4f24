package meshchat.peer.room;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import meshchat.peer.message.MessageId;

/**
 * The ids a message lacks when it lacks two or more ({@link CausalBuffer#missingFor}): a big room's
 * peer makes one for most messages it holds, hundreds of thousands in a simulated run, and a {@code
 * HashSet} of two ids is four objects and a 16-slot table (17% of the bytes a 100 x 100 run
 * allocated). Here they are one small array.
 *
 * <p>It iterates in exactly the order a {@code HashSet} of the same ids added in the same order
 * would: by the slot of the id's spread hash in a 16-slot table, then in the order added. Up to
 * {@link #SMALL} ids such a set neither grows (it would at 13) nor turns a slot into a tree, so
 * that order is all there is; past {@link #SMALL} it becomes such a set, made from the ids in the
 * order they were added. Every order downstream (a held message's waiting ids, the ids asked for,
 * the copies callers make) is therefore what it was.
 *
 * <p>Read-only once made, as {@code Set.of} answers are: callers copy before changing.
 */
final class MissingIds extends AbstractSet<MessageId> {
  static final int SMALL = 7;
  private final MessageId[] ids = new MessageId[SMALL]; // in a HashSet's order
  private int ranks; // 3 bits per position in ids: when that id was added (0 first)
  private int n;
  private HashSet<MessageId> big; // past SMALL

  /** The slot a {@code HashSet} with its first table (16 slots) puts {@code id} in. */
  static int slot(MessageId id) {
    int h = id.hashCode();
    return (h ^ (h >>> 16)) & 15;
  }

  @Override
  public boolean add(MessageId id) {
    if (big != null) {
      return big.add(id);
    }
    for (int i = 0; i < n; i++) {
      if (ids[i].equals(id)) {
        return false;
      }
    }
    if (n == SMALL) {
      big = new HashSet<>();
      for (MessageId m : inAddedOrder()) {
        big.add(m);
      }
      return big.add(id);
    }
    int s = slot(id);
    int i = n;
    while (i > 0 && slot(ids[i - 1]) > s) {
      i--;
    }
    System.arraycopy(ids, i, ids, i + 1, n - i);
    ids[i] = id;
    int low = ranks & ((1 << (3 * i)) - 1);
    int high = ranks >>> (3 * i);
    ranks = low | n << (3 * i) | high << (3 * (i + 1));
    n++;
    return true;
  }

  /** The ids in the order they were added (while small). */
  MessageId[] inAddedOrder() {
    MessageId[] out = new MessageId[n];
    for (int i = 0; i < n; i++) {
      out[(ranks >>> (3 * i)) & 7] = ids[i];
    }
    return out;
  }

  @Override
  public boolean contains(Object o) {
    if (big != null) {
      return big.contains(o);
    }
    for (int i = 0; i < n; i++) {
      if (ids[i].equals(o)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int size() {
    return big != null ? big.size() : n;
  }

  @Override
  public Object[] toArray() {
    return big != null ? big.toArray() : Arrays.copyOf(ids, n, Object[].class);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T[] toArray(T[] a) {
    if (big != null) {
      return big.toArray(a);
    }
    T[] out = a.length >= n ? a : (T[]) Arrays.copyOf(ids, n, a.getClass());
    if (out != a) {
      return out;
    }
    System.arraycopy(ids, 0, out, 0, n);
    if (out.length > n) {
      out[n] = null;
    }
    return out;
  }

  @Override
  public Iterator<MessageId> iterator() {
    if (big != null) {
      return Collections.unmodifiableSet(big).iterator();
    }
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < n;
      }

      @Override
      public MessageId next() {
        if (next >= n) {
          throw new NoSuchElementException();
        }
        return ids[next++];
      }
    };
  }
}
