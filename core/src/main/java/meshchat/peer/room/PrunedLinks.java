package meshchat.peer.room;

import meshchat.peer.message.PeerId;

/**
 * Per author, the links pruned off that author's broadcast tree: a bit per link slot (0..63).
 *
 * <p>Every peer of a big room ends up with an entry for nearly every author, so this is an open
 * addressing table of two parallel arrays (about 24 bytes an author at most), not a map of sets,
 * which costs tens of bytes per (peer, author, link) (docs/decisions/0009-per-author-state.md).
 * Entries are never removed: an author whose bits are all clear keeps its slot, as it will likely
 * be pruned again.
 */
final class PrunedLinks {
  static final int SLOTS = Long.SIZE;

  private PeerId[] authors = new PeerId[16];
  private long[] masks = new long[16];
  private int size;

  boolean pruned(PeerId author, int slot) {
    int i = find(author);
    return authors[i] != null && (masks[i] & (1L << slot)) != 0;
  }

  void prune(PeerId author, int slot) {
    int i = find(author);
    if (authors[i] == null) {
      if ((size + 1) * 4 > authors.length * 3) {
        grow();
        i = find(author);
      }
      authors[i] = author;
      size++;
    }
    masks[i] |= 1L << slot;
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
    authors = new PeerId[oldAuthors.length * 2];
    masks = new long[oldAuthors.length * 2];
    for (int j = 0; j < oldAuthors.length; j++) {
      if (oldAuthors[j] != null) {
        int i = find(oldAuthors[j]);
        authors[i] = oldAuthors[j];
        masks[i] = oldMasks[j];
      }
    }
  }

  private static int mix(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
