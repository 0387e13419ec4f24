package meshchat.peer.room;

import java.util.Arrays;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorBytes;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqSet;
import meshchat.peer.sync.SeqSetSlots;

/**
 * What the room stores, per author: a {@link SeqSet} per author index ({@link AuthorIndex}), so a
 * message's author is looked up once and its holdings read from an array. Holdings only grow: an
 * author once held keeps its set. Written by the room and its causal buffer, read by anti-entropy.
 */
final class Holdings {
  private final AuthorIndex<PeerId> authors;
  // the room's byte-sized per-author state, side by side (AuthorBytes): a lane each for these
  // holdings' set codes, the causal buffer's delivered prefix, and the broadcast tree's parent link
  // and pruned mask, so that a message's handling reads one line for its author, not one per part
  static final int HELD_LANE = 0;
  static final int PREFIX_LANE = 1;
  static final int PARENT_LANE = 2;
  static final int PRUNED_LANE = 3;
  private final AuthorBytes bytes = new AuthorBytes(4);
  private final SeqSetSlots sets = new SeqSetSlots(bytes, HELD_LANE); // null: nothing held
  private int held; // non-null sets
  private long count; // messages held, all authors
  // The order authors were first held (inOrder) is their index order but for the authors first
  // held after one with a higher index, listed here as (index, how many were held before it): an
  // index shared with the store numbers an author when it is stored, and our own first message is
  // stored when it is written, held when it is published. Empty while the index is our own.
  private int maxFirstHeld = -1;
  private int[] late = NO_LATE;
  private int lateCount;
  private static final int[] NO_LATE = new int[0];
  // the last seq added, and its author's index: the causal buffer's "delivered?" asks the sets for
  // it (stored and not yet held or delivered while the room admits it)
  private int lastAuthor = -1;
  private long lastSeq;

  /** Holdings numbering their authors by {@code shared} (the store's), or by their own if null. */
  Holdings(AuthorIndex<PeerId> shared) {
    this.authors = shared != null ? shared : new AuthorIndex<>();
  }

  Holdings() {
    this(null);
  }

  /** The room's per-author bytes, whose lanes its parts share (see the lanes above). */
  AuthorBytes bytes() {
    return bytes;
  }

  /** The room's author numbering, which the per-author arrays of its parts share. */
  AuthorIndex<PeerId> authors() {
    return authors;
  }

  /**
   * What we hold of {@code origin}, or null for nothing: to read, not to change, and not to keep (a
   * set {@code 1..n} is one instance shared by every holder, replaced as it grows; {@link
   * SeqSet#plus}).
   */
  SeqSet get(PeerId origin) {
    int a = authors.indexOf(origin);
    return a < 0 ? null : get(a);
  }

  /** What we hold of the author numbered {@code author}, or null for nothing. */
  SeqSet get(int author) {
    return sets.get(author);
  }

  /** How many messages are held, of every author. */
  long count() {
    return count;
  }

  /** Whether we hold {@code seq} of {@code origin}. */
  boolean contains(PeerId origin, long seq) {
    SeqSet s = get(origin);
    return s != null && s.contains(seq);
  }

  /** Records {@code seq} of {@code origin} as held; returns the author's index. */
  int add(PeerId origin, long seq) {
    int a = authors.add(origin);
    SeqSet s = sets.get(a);
    long before = s == null ? 0 : s.count(); // read first: plus may change s in place
    SeqSet next = SeqSet.plus(s, seq); // first: a bad seq throws, holding nothing
    sets.set(a, next);
    count += next.count() - before;
    if (s == null) {
      firstHeld(a);
    }
    lastAuthor = a;
    lastSeq = seq;
    return a;
  }

  /** Whether seq {@code seq} of the author numbered {@code author} was the last one added. */
  boolean isLastAdded(int author, long seq) {
    return author == lastAuthor && seq == lastSeq;
  }

  /**
   * Forgets {@code gone} of {@code origin}: a unit of work the store rolled back took their rows (a
   * full disk), so they are no longer held, and anti-entropy may fetch them again. An author held
   * keeps its (maybe empty) set. Returns the author's index, or -1 if it was never held.
   */
  int remove(PeerId origin, SeqSet gone) {
    int a = authors.indexOf(origin);
    SeqSet s = a < 0 ? null : sets.get(a);
    if (s == null) {
      return -1;
    }
    SeqSet next = SeqSet.minus(s, gone);
    count -= s.count() - next.count();
    sets.set(a, next);
    if (a == lastAuthor && gone.contains(lastSeq)) {
      lastAuthor = -1;
    }
    return a;
  }

  /** Replaces what we hold of {@code origin} with {@code set} (a restart's holdings). */
  void put(PeerId origin, SeqSet set) {
    int a = authors.add(origin);
    SeqSet old = sets.get(a);
    boolean first = old == null;
    count += set.count() - (first ? 0 : old.count());
    sets.set(a, SeqSet.shareable(set));
    if (first) {
      firstHeld(a);
    }
  }

  private void firstHeld(int a) {
    if (a > maxFirstHeld) {
      maxFirstHeld = a;
    } else {
      if (2 * lateCount == late.length) {
        late = Arrays.copyOf(late, Math.max(4, 2 * late.length));
      }
      late[2 * lateCount] = a;
      late[2 * lateCount + 1] = held;
      lateCount++;
    }
    held++;
  }

  /** The authors held, by index: the order they were first held. */
  int[] inOrder() {
    int[] out = new int[held];
    int[] lateSorted = null; // the late ones' indexes, to skip in the index order
    if (lateCount > 0) {
      lateSorted = new int[lateCount];
      for (int i = 0; i < lateCount; i++) {
        lateSorted[i] = late[2 * i];
      }
      Arrays.sort(lateSorted);
    }
    int a = 0;
    int next = 0; // the next late one, by when it was held
    for (int n = 0; n < held; n++) {
      if (next < lateCount && late[2 * next + 1] == n) {
        out[n] = late[2 * next++];
        continue;
      }
      while (sets.get(a) == null
          || (lateSorted != null && Arrays.binarySearch(lateSorted, a) >= 0)) {
        a++;
      }
      out[n] = a++;
    }
    return out;
  }
}
