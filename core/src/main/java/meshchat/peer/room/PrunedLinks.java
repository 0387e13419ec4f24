package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorBytes;
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

  // in the parent lane, beside the parent's slot + 1 (1..64): the author's tree was started
  // (startTree), so its first message here took the room's default tree
  private static final int STARTED = 0x80;
  private static final int PARENT = 0x7F;

  private final AuthorIndex<PeerId> authors;
  // by author index: the slot + 1 of the parent link (0: none) in one lane, and in the other the
  // pruned mask while every pruned slot is below 8 (narrow); lanes of the room's per-author bytes,
  // beside its holdings and its causal buffer's prefix, so that a message's handling reads one line
  // for its author (AuthorBytes)
  private final AuthorBytes bytes;
  private final int parentLane;
  private final int maskLane;
  private boolean narrow = true;
  private int[] masks; // by author index, while every pruned slot is below 32; null before, after
  private long[] wideMasks; // null until a slot past 31 is pruned
  // The author last found and its index: a message is pushed on every link in turn, and each push
  // asks about its author, so all but the first ask end here. An index never changes once given.
  private PeerId lastFound;
  private int lastFoundAt;
  // by slot: how many numbered authors are pruned on it (the bits set in every author's mask), so
  // that a new author's tree can start as the room's default one (startTree) without a walk
  private final int[] prunedCount = new int[SLOTS];

  /** Entries by {@code authors}' numbering: the room's, shared with its other parts. */
  PrunedLinks(AuthorIndex<PeerId> authors) {
    this(authors, new AuthorBytes(2), 0, 1);
  }

  /** As above, the parents and narrow masks in lanes {@code parentLane} and {@code maskLane}. */
  PrunedLinks(AuthorIndex<PeerId> authors, AuthorBytes bytes, int parentLane, int maskLane) {
    if (parentLane == maskLane
        || Math.min(parentLane, maskLane) < 0
        || Math.max(parentLane, maskLane) >= bytes.lanes()) {
      throw new IllegalArgumentException("lanes " + parentLane + ", " + maskLane);
    }
    this.authors = authors;
    this.bytes = bytes;
    this.parentLane = parentLane;
    this.maskLane = maskLane;
  }

  boolean pruned(PeerId author, int slot) {
    int a = find(author);
    return a >= 0 && (mask(a) & (1L << slot)) != 0;
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
    return a >= 0 && (bytes.get(a, parentLane) & PARENT) != 0;
  }

  /** {@code author}'s latest first copy came on the link in {@code slot}. */
  void firstCopy(PeerId author, int slot) {
    int a = entry(author);
    if (a >= 0) {
      bytes.set(a, parentLane, (bytes.get(a, parentLane) & STARTED) | (slot + 1));
    }
  }

  /**
   * The link in {@code slot} is gone: the authors it was the parent for, who now have none (in the
   * order the room numbered them). Their trees are cut here until another link brings their next
   * message.
   */
  List<PeerId> orphaned(int slot) {
    List<PeerId> out = new ArrayList<>();
    int parent = slot + 1;
    for (int a = 0, n = bytes.size(); a < n; a++) {
      int v = bytes.get(a, parentLane);
      if ((v & PARENT) == parent) {
        bytes.set(a, parentLane, v & STARTED);
        out.add(authors.author(a));
      }
    }
    return out;
  }

  void graft(PeerId author, int slot) {
    int a = find(author);
    if (a >= 0) {
      long m = mask(a);
      if ((m & 1L << slot) != 0) {
        setMask(a, m & ~(1L << slot));
      }
    }
  }

  /**
   * The link in {@code slot} is off the tree of every author the room numbers: a link pruned whole
   * that is grafted for a few authors, and stays pruned, by name, for the rest.
   */
  void pruneAll(int slot) {
    long bit = 1L << slot;
    int n = authors.size();
    if (n > 0) {
      bytes.ensure(n - 1);
    }
    for (int a = 0; a < n; a++) {
      long m = mask(a);
      if ((m & bit) == 0) {
        setMask(a, m | bit);
      }
    }
  }

  /** The link in {@code slot} is on every author's tree again (it is new, or grafted whole). */
  void graftAll(int slot) {
    prunedCount[slot] = 0;
    if (wideMasks != null) {
      long keep = ~(1L << slot);
      for (int i = 0; i < wideMasks.length; i++) {
        wideMasks[i] &= keep;
      }
    } else if (narrow) {
      if (slot < Byte.SIZE) {
        int keep = ~(1 << slot) & 0xFF;
        for (int a = 0, n = bytes.size(); a < n; a++) {
          int m = bytes.get(a, maskLane);
          if (m != 0) {
            bytes.set(a, maskLane, m & keep);
          }
        }
      }
    } else if (slot < Integer.SIZE) {
      int keep = ~(1 << slot);
      for (int i = 0; i < masks.length; i++) {
        masks[i] &= keep;
      }
    }
  }

  /**
   * The room's default tree among the links in {@code slots} (a bit per slot): the slots that are
   * on the trees of at least half the authors numbered, that is pruned for at most half. Each
   * author's tree is cut from the first copies of its own messages, so a link that most authors'
   * trees keep is one on the paths that first copies take here, whoever writes; a link that most
   * trees pruned carries duplicates. Before any author is numbered every slot is on it.
   */
  long defaultTree(long slots) {
    int n = authors.size();
    long tree = 0;
    for (long rest = slots; rest != 0; rest &= rest - 1) {
      int slot = Long.numberOfTrailingZeros(rest);
      if (2L * prunedCount[slot] <= n) {
        tree |= 1L << slot;
      }
    }
    return tree;
  }

  /**
   * Starts {@code author}'s tree here, if it was not started yet: the links in {@code slots} off
   * {@code tree} are pruned for it (its messages go on them as ids), so its first message follows
   * the room's default tree instead of every link. Returns false if it was started before (or the
   * room does not number it): its own tree stands.
   */
  boolean startTree(PeerId author, long slots, long tree) {
    int a = entry(author);
    return a >= 0 && !started(a) && start(a, slots, tree);
  }

  /**
   * {@link #startTree} on the room's {@link #defaultTree}, which is made only for an author whose
   * tree was not started yet (the room asks on every fresh message; nearly all find it started).
   */
  boolean startDefaultTree(PeerId author, long slots) {
    int a = entry(author);
    return a >= 0 && !started(a) && start(a, slots, defaultTree(slots));
  }

  private boolean started(int a) {
    return (bytes.get(a, parentLane) & STARTED) != 0;
  }

  private boolean start(int a, long slots, long tree) {
    bytes.set(a, parentLane, bytes.get(a, parentLane) | STARTED);
    long off = slots & ~tree;
    long m = mask(a);
    if ((m | off) != m) {
      setMask(a, m | off);
    }
    return true;
  }

  /** How many numbered authors are pruned on {@code slot}. */
  int prunedCount(int slot) {
    return prunedCount[slot];
  }

  /** The pruned mask of author {@code a} (0 or more; 0 for one without an entry). */
  private long mask(int a) {
    if (narrow) {
      return bytes.get(a, maskLane);
    } else if (wideMasks != null) {
      return a < wideMasks.length ? wideMasks[a] : 0;
    }
    return a < masks.length ? masks[a] & 0xFFFF_FFFFL : 0;
  }

  private void setMask(int a, long m) {
    for (long changed = mask(a) ^ m; changed != 0; changed &= changed - 1) {
      int slot = Long.numberOfTrailingZeros(changed);
      prunedCount[slot] += (m & 1L << slot) != 0 ? 1 : -1;
    }
    if (narrow) {
      if ((m >>> Byte.SIZE) == 0) {
        bytes.set(a, maskLane, (int) m);
        return;
      }
      masks = new int[Math.max(bytes.size(), a + 1)];
      for (int j = 0, n = bytes.size(); j < n; j++) {
        masks[j] = bytes.get(j, maskLane);
        if (masks[j] != 0) {
          bytes.set(j, maskLane, 0); // the lane is unused from now on
        }
      }
      narrow = false;
    }
    if (wideMasks == null && (m >>> Integer.SIZE) != 0) {
      wideMasks = new long[Math.max(masks.length, a + 1)];
      for (int j = 0; j < masks.length; j++) {
        wideMasks[j] = masks[j] & 0xFFFF_FFFFL;
      }
      masks = null;
    }
    if (wideMasks != null) {
      if (a >= wideMasks.length) {
        wideMasks = Arrays.copyOf(wideMasks, AuthorIndex.grownLength(wideMasks.length, a));
      }
      wideMasks[a] = m;
    } else {
      if (a >= masks.length) {
        masks = Arrays.copyOf(masks, AuthorIndex.grownLength(masks.length, a));
      }
      masks[a] = (int) m;
    }
  }

  /** {@code author}'s index with room for its entry, or -1 if the room does not number it. */
  private int entry(PeerId author) {
    int a = find(author);
    if (a >= 0) {
      bytes.ensure(a);
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
