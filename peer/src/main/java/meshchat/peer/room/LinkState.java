package meshchat.peer.room;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;

/** What the core knows about one up link: the peer, its neighbors and the sync in flight. */
final class LinkState {
  final PeerAddress address;

  /** The peer's own links, from its latest PeerList; null until one arrives. */
  Set<PeerId> neighbors;

  /** What the peer holds, per its digests on this link. */
  final Map<PeerId, SeqSet> theirs = new HashMap<>();

  /** What we last told the peer we hold, so periodic digests carry only changes. */
  final Map<PeerId, SeqSet> told = new HashMap<>();

  /** The SyncRequest in flight on this link (0: none) and what it asked for. */
  long inflightId;

  List<Want> inflightWants = List.of();

  /** Dependency fetches in flight on this link, by request id, so that none is asked twice. */
  final Map<Long, List<Want>> depFetches = new HashMap<>();

  long received;

  LinkState(PeerAddress address) {
    this.address = address;
  }

  PeerId id() {
    return address.peerId();
  }

  /** The version of our links last told to this peer (see {@link PeerExchange}). */
  long toldVersion;

  /** The SyncRequest timeout's timer, while one is in flight. */
  Scheduler.Cancellable inflightTimer;

  /**
   * Whether the forwarding rule must send this peer a message by {@code origin} that came from
   * {@code via}: not if it is either of them, or its PeerList names either (it got it from them).
   */
  boolean mayLack(PeerId origin, PeerId via) {
    PeerId me = id();
    if (me.equals(origin)) {
      return false;
    }
    return neighbors == null || !(neighbors.contains(origin) || neighbors.contains(via));
  }
}
