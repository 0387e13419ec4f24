package meshchat.peer.room;

import java.util.Arrays;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqSet;

/**
 * What the room stores, per author: a {@link SeqSet} per author index ({@link AuthorIndex}), so a
 * message's author is looked up once and its holdings read from an array. Holdings only grow: an
 * author once held keeps its set. Written by the room and its causal buffer, read by anti-entropy.
 */
final class Holdings {
  private static final SeqSet[] NONE = new SeqSet[0];

  private final AuthorIndex<PeerId> authors = new AuthorIndex<>();
  private SeqSet[] sets = NONE; // by author index; null: numbered but nothing held
  private int held; // non-null sets
  // the last seq added, and its author's index: the causal buffer's "delivered?" asks the sets for
  // it (stored and not yet held or delivered while the room admits it)
  private int lastAuthor = -1;
  private long lastSeq;

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
    return author < sets.length ? sets[author] : null;
  }

  /** Whether we hold {@code seq} of {@code origin}. */
  boolean contains(PeerId origin, long seq) {
    SeqSet s = get(origin);
    return s != null && s.contains(seq);
  }

  /** Records {@code seq} of {@code origin} as held; returns the author's index. */
  int add(PeerId origin, long seq) {
    int a = authors.add(origin);
    slot(a);
    SeqSet s = sets[a];
    sets[a] = SeqSet.plus(s, seq); // first: a bad seq throws, holding nothing
    if (s == null) {
      held++;
    }
    lastAuthor = a;
    lastSeq = seq;
    return a;
  }

  /** Whether seq {@code seq} of the author numbered {@code author} was the last one added. */
  boolean isLastAdded(int author, long seq) {
    return author == lastAuthor && seq == lastSeq;
  }

  /** Replaces what we hold of {@code origin} with {@code set} (a restart's holdings). */
  void put(PeerId origin, SeqSet set) {
    int a = authors.add(origin);
    slot(a);
    if (sets[a] == null) {
      held++;
    }
    sets[a] = SeqSet.shareable(set);
  }

  private void slot(int a) {
    if (a >= sets.length) {
      sets = Arrays.copyOf(sets, Math.max(a + 1, Math.max(8, 2 * sets.length)));
    }
  }

  /** The authors held, by index: the order they were first held. */
  int[] inOrder() {
    int[] out = new int[held];
    int n = 0;
    for (int a = 0; a < sets.length && n < held; a++) {
      if (sets[a] != null) {
        out[n++] = a;
      }
    }
    return out;
  }
}
