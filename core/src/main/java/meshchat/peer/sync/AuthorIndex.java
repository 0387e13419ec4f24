package meshchat.peer.sync;

import java.util.Arrays;

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
