package meshchat.peer.room;

import java.util.HashSet;
import java.util.Set;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * One up link as the room keeps it: the peer's address, what the room itself tracks on it, and the
 * per-link parts of the room's helpers. Each part is written only by its owner: {@link
 * AntiEntropy.Link} (digests, requests in flight) by {@link AntiEntropy}, {@link PeerExchange.Link}
 * (the peer's neighbours, the lists told) by {@link PeerExchange}; the room only hands them back.
 */
final class LinkState {
  final PeerAddress address;

  /** Anti-entropy's part of this link. */
  final AntiEntropy.Link sync;

  /** Peer exchange's part of this link. */
  final PeerExchange.Link exchange;

  /** Origins whose messages we forwarded here and whose chain head we must forward after them. */
  final Set<PeerId> headOwed = new HashSet<>();

  /** Equal to Room's count of messages got while the latest one was pushed whole on this link. */
  long pushedWhole;

  LinkState(PeerAddress address, AntiEntropy.Link sync, PeerExchange.Link exchange) {
    this.address = address;
    this.sync = sync;
    this.exchange = exchange;
  }

  PeerId id() {
    return address.peerId();
  }
}
