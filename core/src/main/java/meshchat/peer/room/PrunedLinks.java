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
 * addressing table of three parallel arrays (about 25 bytes an author at most), not a map of sets,
 * which costs tens of bytes per (peer, author, link) (docs/decisions/0009-per-author-state.md).
 * Entries are never removed: an author whose bits are all clear keeps its slot, as it will likely
 * be pruned again.
 */
final class PrunedLinks {
  static final int SLOTS = Long.SIZE;

  private PeerId[] authors = new PeerId[16];
  private long[] masks = new long[16];
  private byte[] parents = new byte[16]; // slot + 1 of the parent link; 0: none
  private int size;

  boolean pruned(PeerId author, int slot) {
    int i = find(author);
    return authors[i] != null && (masks[i] & (1L << slot)) != 0;
  }

  void prune(PeerId author, int slot) {
    int i = entry(author); // first: it may grow the arrays
    masks[i] |= 1L << slot;
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
      masks[i] &= ~(1L << slot);
    }
  }

  /** The link in {@code slot} is on every author's tree again (it is new, or grafted whole). */
  void graftAll(int slot) {
    long keep = ~(1L << slot);
    for (int i = 0; i < masks.length; i++) {
      masks[i] &= keep;
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
    int mask = authors.length - 1;
    int i = mix(author.hashCode()) & mask;
    while (authors[i] != null && !authors[i].equals(author)) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void grow() {
    PeerId[] oldAuthors = authors;
    long[] oldMasks = masks;
    byte[] oldParents = parents;
    authors = new PeerId[oldAuthors.length * 2];
    masks = new long[oldAuthors.length * 2];
    parents = new byte[oldAuthors.length * 2];
    for (int j = 0; j < oldAuthors.length; j++) {
      if (oldAuthors[j] != null) {
        int i = find(oldAuthors[j]);
        authors[i] = oldAuthors[j];
        masks[i] = oldMasks[j];
        parents[i] = oldParents[j];
      }
    }
  }

  private static int mix(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
