package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
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

  private final TreeSet<Long> pending = new TreeSet<>();

  void sent(long seq) {
    pending.add(seq);
    if (pending.size() > MAX_WATCHED) {
      pending.pollFirst();
    }
  }

  /** The watched seqs that {@code theirs} (a peer's holdings of our origin) lists, now removed. */
  List<Long> heldIn(SeqSet theirs) {
    List<Long> held = new ArrayList<>();
    for (Iterator<Long> it = pending.iterator(); it.hasNext(); ) {
      long seq = it.next();
      if (theirs.contains(seq)) {
        held.add(seq);
        it.remove();
      }
    }
    return held;
  }

  int pendingCount() {
    return pending.size();
  }
}
