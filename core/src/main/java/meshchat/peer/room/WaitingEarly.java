package meshchat.peer.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * Lines passed early (on their author's own link, before their head) that lacked only a dependency
 * not shown yet: the room shows them once it is ({@code Room.showEarly}), not when their own head
 * comes. docs/security.md, "Lines shown before their head".
 *
 * <p>Bounded, and fair between links: at most {@link #MAX} lines in all, and a link holds at most
 * its share ({@code MAX} over the links up, at least one); a link at its share drops its own oldest
 * line, and when all {@code MAX} are taken the link holding the most drops its oldest. So one link
 * (its peer honest and behind, or hostile) cannot push out another's lines. A line dropped here is
 * not lost: it waits for its head, as any line the room cannot show early.
 *
 * <p>Cheap while nothing happens: the room tries them again only after it showed a message one of
 * them waits for ({@link #wakes}), never per frame.
 */
final class WaitingEarly {
  /** At most this many lines wait, all links together. */
  static final int MAX = 64;

  /** One link's lines, oldest first, with the link they came on. */
  static final class OfLink {
    final LinkState link;
    final ArrayDeque<ChatMessage> lines = new ArrayDeque<>();

    OfLink(LinkState link) {
      this.link = link;
    }
  }

  // by the link's peer; created on the first line that waits (the simulation sends none)
  private Map<PeerId, OfLink> byLink;
  private Set<MessageId> awaited; // a dependency some line waits for (maybe stale: a spare retry)
  private int size;
  private boolean woken;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** How many lines the link to {@code peer} has waiting (tests). */
  int of(PeerId peer) {
    OfLink o = byLink == null ? null : byLink.get(peer);
    return o == null ? 0 : o.lines.size();
  }

  /** {@code m}, read on {@code link}, waits for {@code lacks}, with {@code links} links up. */
  void add(ChatMessage m, MessageId lacks, LinkState link, int links) {
    if (byLink == null) {
      byLink = new HashMap<>();
      awaited = new HashSet<>();
    }
    OfLink mine = byLink.get(link.id());
    if (mine == null || mine.link != link) {
      if (mine != null) {
        size -= mine.lines.size(); // a link replaced without going down: its lines are not ours
      }
      mine = new OfLink(link);
      byLink.put(link.id(), mine);
    }
    int share = Math.max(1, MAX / Math.max(1, links));
    if (mine.lines.size() >= share) {
      mine.lines.pollFirst();
      size--;
    } else if (size >= MAX) {
      dropFromLargest();
    }
    mine.lines.addLast(m);
    size++;
    if (awaited.size() >= AWAITED_MAX) {
      // ids of lines that left (signed, dropped, their link down) pile up while nothing wakes:
      // start over, and let the next round of retries name again what the lines still wait for
      awaited.clear();
      woken = true;
    }
    awaited.add(lacks);
  }

  /** Most ids kept of what the lines wait for before they are named again by a round of retries. */
  static final int AWAITED_MAX = 2 * MAX;

  /** How many ids are kept of what the lines wait for (tests). */
  int awaitedCount() {
    return awaited == null ? 0 : awaited.size();
  }

  /** Nothing waits any more: nothing it waited for is kept. */
  private void emptied() {
    if (size == 0 && awaited != null) {
      awaited.clear();
      woken = false;
    }
  }

  private void dropFromLargest() {
    OfLink largest = null;
    for (OfLink o : byLink.values()) {
      if (largest == null || o.lines.size() > largest.lines.size()) {
        largest = o;
      }
    }
    if (largest != null && largest.lines.pollFirst() != null) {
      size--;
      emptied();
    }
  }

  /** The room showed {@code id}: whether a line may wait for it (then {@link #woken} is set). */
  void shown(MessageId id) {
    if (size > 0 && !woken && awaited.contains(id)) {
      woken = true;
    }
  }

  /** Whether a message a line waits for was shown since the last {@link #takeWake}. */
  boolean wakes() {
    return woken;
  }

  /**
   * Starts a round of retries: clears the wake and what the lines wait for, which the round adds
   * back ({@link #stillLacks}) for each line that still waits.
   */
  void takeWake() {
    woken = false;
    awaited.clear();
  }

  /** A line tried in this round still waits, now for {@code lacks}. */
  void stillLacks(MessageId lacks) {
    awaited.add(lacks);
  }

  /** Every link's lines, for one round of retries; {@link #removed} after taking one out. */
  List<OfLink> links() {
    return byLink == null ? List.of() : new ArrayList<>(byLink.values());
  }

  /** {@code n} lines were taken out of an {@link OfLink}'s deque. */
  void removed(OfLink o, int n) {
    size -= n;
    if (o.lines.isEmpty() && byLink.get(o.link.id()) == o) {
      byLink.remove(o.link.id());
    }
    emptied();
  }

  /** The link to {@code peer} went down: its lines wait for their heads, or are never signed. */
  void linkDown(PeerId peer) {
    OfLink o = byLink == null ? null : byLink.remove(peer);
    if (o != null) {
      size -= o.lines.size();
      emptied();
    }
  }

  /** {@code author}'s head through {@code seq} came on its link: those lines come signed now. */
  void signed(PeerId author, long seq) {
    OfLink o = byLink == null ? null : byLink.get(author);
    if (o == null) {
      return;
    }
    int n = 0;
    for (Iterator<ChatMessage> it = o.lines.iterator(); it.hasNext(); ) {
      if (it.next().seq() <= seq) {
        it.remove();
        n++;
      }
    }
    removed(o, n);
  }
}
