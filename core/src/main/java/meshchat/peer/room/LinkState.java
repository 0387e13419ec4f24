package meshchat.peer.room;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * One up link as the room keeps it: the peer's address, what the room itself tracks on it (heads
 * owed, whole pushes: written through the methods below, by the room only), and the per-link parts
 * of the room's helpers. Each part is written only by its owner: {@link AntiEntropy.Link} (digests,
 * requests in flight) by {@link AntiEntropy}, {@link PeerExchange.Link} (the peer's neighbours, the
 * lists told) by {@link PeerExchange}, {@link Broadcast.Link} (prunes, first copies) by {@link
 * Broadcast}; the room only hands them back.
 */
final class LinkState {
  final PeerAddress address;

  /** Anti-entropy's part of this link. */
  final AntiEntropy.Link sync;

  /** Peer exchange's part of this link. */
  final PeerExchange.Link exchange;

  /** The broadcast trees' part of this link. */
  final Broadcast.Link tree;

  // origins whose messages we forwarded here and whose chain head we must forward after them
  private final Set<PeerId> headOwed = new HashSet<>();

  // held messages whose deps are asked of this link when due (scheduler time), in due order: the
  // messages themselves (no lookup by id when due) and their due times in a ring of longs (no box)
  private final ArrayDeque<CausalBuffer.Held> depsDue = new ArrayDeque<>();
  private long[] depsDueAt = new long[4];
  private int dueHead; // the ring position of depsDue's first

  /** What this link tells about the new authors it brings (null: no bound on new authors). */
  NewAuthors.Link authors;

  // equal to Room's count of messages got while the latest one was pushed whole on this link
  private long pushedWhole;

  LinkState(
      PeerAddress address, AntiEntropy.Link sync, PeerExchange.Link exchange, Broadcast.Link tree) {
    this.address = address;
    this.sync = sync;
    this.exchange = exchange;
    this.tree = tree;
  }

  PeerId id() {
    return address.peerId();
  }

  /** A message of {@code origin} went out whole on this link: its chain head must follow it. */
  void oweHead(PeerId origin) {
    headOwed.add(origin);
  }

  /** Whether a chain head of {@code origin} is owed on this link; after this it no longer is. */
  boolean takeHeadOwed(PeerId origin) {
    return headOwed.remove(origin);
  }

  /**
   * The held message {@code h} has its deps asked of this link at {@code at} (never earlier than
   * any queued before); true if nothing was queued, so the caller must arm the link's timer.
   */
  boolean depsDue(CausalBuffer.Held h, long at) {
    int n = depsDue.size();
    if (n == depsDueAt.length) {
      long[] grown = new long[2 * n];
      for (int i = 0; i < n; i++) {
        grown[i] = depsDueAt[(dueHead + i) & (n - 1)];
      }
      depsDueAt = grown;
      dueHead = 0;
    }
    depsDueAt[(dueHead + n) & (depsDueAt.length - 1)] = at;
    depsDue.add(h);
    return n == 0;
  }

  /**
   * The first queued held message if its deps are due by {@code now}, no longer queued; or null.
   */
  CausalBuffer.Held pollDepsDue(long now) {
    if (depsDue.isEmpty() || depsDueAt[dueHead] > now) {
      return null;
    }
    dueHead = (dueHead + 1) & (depsDueAt.length - 1);
    return depsDue.poll();
  }

  /**
   * Drops, from the front of the queue, held messages released or shown incomplete since they were
   * queued: their deps will never be asked (neither state reverts), so no timer need fall due for
   * them.
   */
  void dropSettledDepsDue() {
    for (CausalBuffer.Held h = depsDue.peek();
        h != null && (!h.isHeld() || h.shownIncomplete);
        h = depsDue.peek()) {
      dueHead = (dueHead + 1) & (depsDueAt.length - 1);
      depsDue.poll();
    }
  }

  boolean anyDepsDue() {
    return !depsDue.isEmpty();
  }

  /** When the next queued held message's deps are due (some is: {@link #anyDepsDue}). */
  long nextDepsDue() {
    depsDue.element();
    return depsDueAt[dueHead];
  }

  /** The room's {@code got}-th message (its count of messages got) was pushed whole here. */
  void pushedWhole(long got) {
    pushedWhole = got;
  }

  /** Whether the room's {@code got}-th message was pushed whole on this link. */
  boolean pushedWholeAt(long got) {
    return pushedWhole == got;
  }
}
