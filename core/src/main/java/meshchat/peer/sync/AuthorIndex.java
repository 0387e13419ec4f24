package meshchat.peer.sync;

import java.util.Arrays;

/**
 * Authors numbered 0, 1, 2... in the order they were first stored: one lookup per message turns its
 * author into an index, and per-author state (a room's holdings, its causal buffer's pending
 * counts, anti-entropy's snapshots; the in-memory store's logs) lives in arrays read by that index
 * instead of a hash map each, which a big room's peer paid for several times per message and about
 * 50 bytes per (peer, author) each (docs/decisions/0013-a-dense-author-index.md). Not thread-safe.
 *
 * <p>An open-addressing table of indexes with each author's hash beside it (linear probing, at most
 * 3/4 full: 8 to 11 bytes per author, where half full cost 16 to 32), the two in adjacent ints, so
 * a probe reads one line of the table for both: a simulation's peers are cold when their turn
 * comes, and every message's author (and deps) is looked up here. No author is ever removed: its
 * owner numbers only authors whose messages it stores, so the index never outgrows the store,
 * whatever a stranger names in deps or digests.
 */
public final class AuthorIndex<K> {
  private Object[] authors = new Object[8]; // K
  private int size;
  // slot i: at 2i the author index + 1 (0: empty), at 2i + 1 the hash of the author in it
  private int[] table = new int[32];
  private int shift = Integer.numberOfLeadingZeros(15);

  /** {@code author}'s index, or -1 if it has none. */
  public int indexOf(K author) {
    int h = author.hashCode();
    int mask = (table.length >> 1) - 1;
    for (int i = home(h); table[2 * i] != 0; i = (i + 1) & mask) {
      if (table[2 * i + 1] == h) {
        Object a = authors[table[2 * i] - 1];
        if (a == author || a.equals(author)) {
          return table[2 * i] - 1;
        }
      }
    }
    return -1;
  }

  /** {@code author}'s index, numbering it if it has none. */
  public int add(K author) {
    int h = author.hashCode();
    int mask = (table.length >> 1) - 1;
    int i = home(h);
    for (; table[2 * i] != 0; i = (i + 1) & mask) {
      if (table[2 * i + 1] == h) {
        Object a = authors[table[2 * i] - 1];
        if (a == author || a.equals(author)) {
          return table[2 * i] - 1;
        }
      }
    }
    if (size == authors.length) {
      authors = Arrays.copyOf(authors, grownLength(size, size));
    }
    authors[size] = author;
    size++;
    if (4 * size > 3 * (table.length >> 1)) { // at most 3/4 full
      rehash(table.length); // twice the slots
    } else {
      table[2 * i] = size;
      table[2 * i + 1] = h;
    }
    return size - 1;
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
    return (K) authors[index];
  }

  /** How many authors are numbered: their indexes are 0..size-1. */
  public int size() {
    return size;
  }

  private void rehash(int capacity) {
    table = new int[2 * capacity];
    shift = Integer.numberOfLeadingZeros(capacity - 1);
    int mask = capacity - 1;
    for (int a = 0; a < size; a++) {
      int h = authors[a].hashCode();
      int i = home(h);
      while (table[2 * i] != 0) {
        i = (i + 1) & mask;
      }
      table[2 * i] = a + 1;
      table[2 * i + 1] = h;
    }
  }

  private int home(int h) {
    return (h * 0x9E3779B9) >>> shift; // Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4)
  }
}
