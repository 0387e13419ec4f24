package meshchat.peer.room;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.PeerId;

/**
 * Per author, the links pruned off that author's broadcast tree (a bit per link slot, 0..63), and
 * the slot of the link that brought that author's latest first copy: this peer's parent on the
 * author's tree, whose loss cuts it off that tree.
 *
 * <p>Every peer of a big room ends up with an entry for nearly every author, so this is an open
 * addressing table of three parallel arrays (9 bytes a slot, about 16 an author), not a map of
 * sets, which costs tens of bytes per (peer, author, link)
 * (docs/decisions/0009-per-author-state.md). A link takes the lowest free slot and a peer holds at
 * most 32 links by default, so the masks are ints until a slot past 31 is pruned, and longs from
 * then on: 10,000 peers hear of 10^8 (peer, author) pairs, and 4 bytes each are 400 MB. Entries are
 * never removed: an author whose bits are all clear keeps its slot, as it will likely be pruned
 * again.
 */
final class PrunedLinks {
  static final int SLOTS = Long.SIZE;

  private PeerId[] authors = new PeerId[16];
  private int[] masks = new int[16]; // while every pruned slot is below 32; null after
  private long[] wideMasks; // null until a slot past 31 is pruned
  private byte[] parents = new byte[16]; // slot + 1 of the parent link; 0: none
  private int size;
  // The entry last found: a message is pushed on every link in turn, and each push asks about its
  // author, so all but the first ask end here. An entry never moves but when the arrays grow.
  private PeerId lastFound;
  private int lastFoundAt;

  boolean pruned(PeerId author, int slot) {
    int i = find(author);
    return authors[i] != null && (mask(i) & (1L << slot)) != 0;
  }

  void prune(PeerId author, int slot) {
    int i = entry(author); // first: it may grow the arrays
    setMask(i, mask(i) | 1L << slot);
  }

  /** Whether a link that is still up brought {@code author}'s latest first copy. */
  boolean hasParent(PeerId author) {
    int i = find(author);
    return authors[i] != null && parents[i] != 0;
  }

  /** {@code author}'s latest first copy came on the link in {@code slot}. */
  void firstCopy(PeerId author, int slot) {
    int i = entry(author); // first: it may grow the arrays
    parents[i] = (byte) (slot + 1);
  }

  /**
   * The link in {@code slot} is gone: the authors it was the parent for, who now have none. Their
   * trees are cut here until another link brings their next message.
   */
  List<PeerId> orphaned(int slot) {
    List<PeerId> out = new ArrayList<>();
    byte parent = (byte) (slot + 1);
    for (int i = 0; i < parents.length; i++) {
      if (parents[i] == parent) {
        parents[i] = 0;
        out.add(authors[i]);
      }
    }
    return out;
  }

  void graft(PeerId author, int slot) {
    int i = find(author);
    if (authors[i] != null) {
      setMask(i, mask(i) & ~(1L << slot));
    }
  }

  /** The link in {@code slot} is on every author's tree again (it is new, or grafted whole). */
  void graftAll(int slot) {
    if (wideMasks != null) {
      long keep = ~(1L << slot);
      for (int i = 0; i < wideMasks.length; i++) {
        wideMasks[i] &= keep;
      }
    } else if (slot < Integer.SIZE) {
      int keep = ~(1 << slot);
      for (int i = 0; i < masks.length; i++) {
        masks[i] &= keep;
      }
    }
  }

  private long mask(int i) {
    return wideMasks != null ? wideMasks[i] : masks[i] & 0xFFFF_FFFFL;
  }

  private void setMask(int i, long m) {
    if (wideMasks == null && (m >>> Integer.SIZE) != 0) {
      wideMasks = new long[masks.length];
      for (int j = 0; j < masks.length; j++) {
        wideMasks[j] = masks[j] & 0xFFFF_FFFFL;
      }
      masks = null;
    }
    if (wideMasks != null) {
      wideMasks[i] = m;
    } else {
      masks[i] = (int) m;
    }
  }

  private int entry(PeerId author) {
    int i = find(author);
    if (authors[i] == null) {
      if ((size + 1) * 4 > authors.length * 3) {
        grow();
        i = find(author);
      }
      authors[i] = author;
      size++;
    }
    return i;
  }

  private int find(PeerId author) {
    if (author == lastFound && authors[lastFoundAt] == author) {
      return lastFoundAt;
    }
    int mask = authors.length - 1;
    int i = mix(author.hashCode()) & mask;
    while (authors[i] != null && !authors[i].equals(author)) {
      i = (i + 1) & mask;
    }
    lastFound = author;
    lastFoundAt = i;
    return i;
  }

  private void grow() {
    PeerId[] oldAuthors = authors;
    int[] oldMasks = masks;
    long[] oldWide = wideMasks;
    byte[] oldParents = parents;
    lastFound = null;
    int n = oldAuthors.length * 2;
    authors = new PeerId[n];
    masks = oldWide == null ? new int[n] : null;
    wideMasks = oldWide == null ? null : new long[n];
    parents = new byte[n];
    for (int j = 0; j < oldAuthors.length; j++) {
      if (oldAuthors[j] != null) {
        int i = find(oldAuthors[j]);
        authors[i] = oldAuthors[j];
        if (oldWide != null) {
          wideMasks[i] = oldWide[j];
        } else {
          masks[i] = oldMasks[j];
        }
        parents[i] = oldParents[j];
      }
    }
  }

  private static int mix(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
