package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;

/**
 * Per author, the links pruned off that author's broadcast tree (a bit per link slot, 0..63), and
 * the slot of the link that brought that author's latest first copy: this peer's parent on the
 * author's tree, whose loss cuts it off that tree.
 *
 * <p>Every peer of a big room ends up with an entry for nearly every author, so this is two arrays
 * by the room's author index ({@link AuthorIndex}: 5 bytes an author), not a table of its own (it
 * was one, of three parallel arrays keyed by the author, about 16 bytes an author) nor a map of
 * sets, which costs tens of bytes per (peer, author, link)
 * (docs/decisions/0009-per-author-state.md). Only an author the room numbers, one it stores
 * messages of, has an entry: a link that prunes (or grafts) an author we hold nothing of changes
 * nothing, so no stranger grows this past the authors stored. A link takes the lowest free slot and
 * a peer holds at most 32 links by default (8 in a big simulated room), so the masks are bytes
 * until a slot past 7 is pruned, ints until one past 31 is, and longs from then on: 10,000 peers
 * hear of 10^8 (peer, author) pairs, and 4 bytes each are 400 MB. Entries are never removed: an
 * author whose bits are all clear keeps its entry, as it will likely be pruned again.
 */
final class PrunedLinks {
  static final int SLOTS = Long.SIZE;

  private final AuthorIndex<PeerId> authors;
  private byte[] narrowMasks = new byte[0]; // by author index, while every pruned slot is below 8
  private int[] masks; // by author index, while every pruned slot is below 32; null before, after
  private long[] wideMasks; // null until a slot past 31 is pruned
  private byte[] parents = new byte[0]; // slot + 1 of the parent link; 0: none
  // The author last found and its index: a message is pushed on every link in turn, and each push
  // asks about its author, so all but the first ask end here. An index never changes once given.
  private PeerId lastFound;
  private int lastFoundAt;

  /** Entries by {@code authors}' numbering: the room's, shared with its other parts. */
  PrunedLinks(AuthorIndex<PeerId> authors) {
    this.authors = authors;
  }

  boolean pruned(PeerId author, int slot) {
    int a = find(author);
    return a >= 0 && a < parents.length && (mask(a) & (1L << slot)) != 0;
  }

  void prune(PeerId author, int slot) {
    int a = entry(author);
    if (a >= 0) {
      setMask(a, mask(a) | 1L << slot);
    }
  }

  /** Whether a link that is still up brought {@code author}'s latest first copy. */
  boolean hasParent(PeerId author) {
    int a = find(author);
    return a >= 0 && a < parents.length && parents[a] != 0;
  }

  /** {@code author}'s latest first copy came on the link in {@code slot}. */
  void firstCopy(PeerId author, int slot) {
    int a = entry(author);
    if (a >= 0) {
      parents[a] = (byte) (slot + 1);
    }
  }

  /**
   * The link in {@code slot} is gone: the authors it was the parent for, who now have none (in the
   * order the room numbered them). Their trees are cut here until another link brings their next
   * message.
   */
  List<PeerId> orphaned(int slot) {
    List<PeerId> out = new ArrayList<>();
    byte parent = (byte) (slot + 1);
    for (int a = 0; a < parents.length; a++) {
      if (parents[a] == parent) {
        parents[a] = 0;
        out.add(authors.author(a));
      }
    }
    return out;
  }

  void graft(PeerId author, int slot) {
    int a = find(author);
    if (a >= 0 && a < parents.length) {
      setMask(a, mask(a) & ~(1L << slot));
    }
  }

  /** The link in {@code slot} is on every author's tree again (it is new, or grafted whole). */
  void graftAll(int slot) {
    if (wideMasks != null) {
      long keep = ~(1L << slot);
      for (int i = 0; i < wideMasks.length; i++) {
        wideMasks[i] &= keep;
      }
    } else if (narrowMasks != null) {
      if (slot < Byte.SIZE) {
        byte keep = (byte) ~(1 << slot);
        for (int i = 0; i < narrowMasks.length; i++) {
          narrowMasks[i] &= keep;
        }
      }
    } else if (slot < Integer.SIZE) {
      int keep = ~(1 << slot);
      for (int i = 0; i < masks.length; i++) {
        masks[i] &= keep;
      }
    }
  }

  private long mask(int a) {
    return narrowMasks != null
        ? narrowMasks[a] & 0xFFL
        : wideMasks != null ? wideMasks[a] : masks[a] & 0xFFFF_FFFFL;
  }

  private void setMask(int a, long m) {
    if (narrowMasks != null) {
      if ((m >>> Byte.SIZE) == 0) {
        narrowMasks[a] = (byte) m;
        return;
      }
      masks = new int[narrowMasks.length];
      for (int j = 0; j < narrowMasks.length; j++) {
        masks[j] = narrowMasks[j] & 0xFF;
      }
      narrowMasks = null;
    }
    if (wideMasks == null && (m >>> Integer.SIZE) != 0) {
      wideMasks = new long[masks.length];
      for (int j = 0; j < masks.length; j++) {
        wideMasks[j] = masks[j] & 0xFFFF_FFFFL;
      }
      masks = null;
    }
    if (wideMasks != null) {
      wideMasks[a] = m;
    } else {
      masks[a] = (int) m;
    }
  }

  /** {@code author}'s index with room for its entry, or -1 if the room does not number it. */
  private int entry(PeerId author) {
    int a = find(author);
    if (a >= parents.length) {
      int n = AuthorIndex.grownLength(parents.length, a);
      parents = Arrays.copyOf(parents, n);
      if (narrowMasks != null) {
        narrowMasks = Arrays.copyOf(narrowMasks, n);
      } else if (wideMasks != null) {
        wideMasks = Arrays.copyOf(wideMasks, n);
      } else {
        masks = Arrays.copyOf(masks, n);
      }
    }
    return a;
  }

  /** {@code author}'s index, or -1 if the room does not number it (not remembered: it may be). */
  private int find(PeerId author) {
    if (author == lastFound) {
      return lastFoundAt;
    }
    int a = authors.indexOf(author);
    if (a >= 0) {
      lastFound = author;
      lastFoundAt = a;
    }
    return a;
  }
}
