package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.sync.SeqSet;

/**
 * This peer's messages that no other peer is known to hold yet. A message counts as delivered when
 * the digest of some linked peer lists it: the digests a peer receives anyway are its receipts, so
 * delivery costs no extra frame (as a script's linger and the "seen by" count need).
 */
final class OwnDelivery {
  /**
   * Most messages watched at once. Own messages are typed locally, so this bounds only a long
   * offline session; the oldest stop being watched first, and anti-entropy still spreads them.
   */
  static final int MAX_WATCHED = 10_000;

  // the watched seqs, ascending and distinct, in seqs[start, end): in a sorted array, not a
  // TreeSet, which kept an entry and a boxed seq per own message until a digest listed it (seconds
  // at a busy peer), objects that each young collection copies (docs/benchmarks.md, session 16)
  private long[] seqs = new long[16];
  private int start;
  private int end;

  void sent(long seq) {
    int at;
    if (end == start || seqs[end - 1] < seq) {
      at = end; // the common case: own seqs count up
    } else {
      at = Arrays.binarySearch(seqs, start, end, seq);
      if (at >= 0) {
        return;
      }
      at = -at - 1;
    }
    if (end == seqs.length) {
      int n = end - start;
      long[] to = n + 1 > seqs.length / 2 ? new long[2 * seqs.length] : seqs;
      System.arraycopy(seqs, start, to, 0, n);
      seqs = to;
      at -= start;
      start = 0;
      end = n;
    }
    System.arraycopy(seqs, at, seqs, at + 1, end - at);
    seqs[at] = seq;
    end++;
    if (end - start > MAX_WATCHED) {
      start++; // the oldest stops being watched
    }
  }

  /** The watched seqs that {@code theirs} (a peer's holdings of our origin) lists, now removed. */
  List<Long> heldIn(SeqSet theirs) {
    List<Long> held = new ArrayList<>();
    int kept = start;
    for (int i = start; i < end; i++) {
      long seq = seqs[i];
      if (theirs.contains(seq)) {
        held.add(seq);
      } else {
        seqs[kept++] = seq;
      }
    }
    end = kept;
    return held;
  }

  int pendingCount() {
    return end - start;
  }
}
