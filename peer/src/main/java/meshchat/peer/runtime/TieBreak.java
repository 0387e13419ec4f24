package meshchat.peer.runtime;

import meshchat.peer.link.Link;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.PeerId;

/**
 * One link per pair (docs/protocol.md, "Simultaneous dials"). When two peers dial each other at
 * once, both sides end up with two handshaken connections; each keeps the one dialed by the smaller
 * peer id (unsigned byte order), which both compute alike without talking, and closes the other
 * with DUPLICATE_LINK. Two links dialed by the same side mean the older one is stale (a redial
 * after a silent failure): keep the newer.
 */
final class TieBreak {
  private TieBreak() {}

  static boolean keepNew(PeerId self, Link current, Link candidate) {
    PeerId winner = self.compareTo(candidate.peer()) < 0 ? self : candidate.peer();
    boolean candidateWins = dialer(self, candidate).equals(winner);
    boolean currentWins = dialer(self, current).equals(winner);
    return candidateWins == currentWins || candidateWins;
  }

  static Close loser() {
    return new Close(CloseReason.DUPLICATE_LINK, "a link dialed by the smaller peer id is kept");
  }

  private static PeerId dialer(PeerId self, Link link) {
    return link.dialedByUs() ? self : link.peer();
  }
}
