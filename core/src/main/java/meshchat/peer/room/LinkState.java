package meshchat.peer.room;

import java.util.HashMap;
import java.util.HashSet;
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

  /** Equal to Room's current forwarding mark while this link names the author or the sender. */
  long forwardMark;

  /** Origins whose messages we forwarded here and whose chain head we must forward after them. */
  final Set<PeerId> headOwed = new HashSet<>();

  /**
   * Most seq ranges kept of one link's digests, over all origins. Incremental digests add origins
   * without ever removing any, so without a bound a peer could grow this map without end, one new
   * origin per digest. 65,536 ranges are a few MB; an honest room needs one range per origin plus
   * its gaps.
   */
  static final int MAX_THEIRS_RANGES = 65_536;

  /**
   * What the peer holds that we may lack, per its digests on this link, plus its holdings of our
   * own origin (for receipts). An origin whose digest entry we already hold all of is not kept: at
   * 1,000 peers a full copy was one entry per link per origin, the bulk of the heap. Change it
   * through putTheirs and dropTheirs only.
   */
  final Map<PeerId, SeqSet> theirs = new HashMap<>();

  private long theirsRanges;

  /** The digest version last sent on this link, so periodic digests carry only changes. */
  long toldDigest;

  /**
   * We hold something, got since our last digest on this link, that the peer is not known to hold
   * (it neither sent it to us, nor got it whole from us, nor is linked to its author): the next
   * periodic digest is due. See {@link AntiEntropy#periodic}.
   */
  boolean digestOwed;

  /** Equal to Room's count of messages got while the latest one was pushed whole on this link. */
  long pushedWhole;

  /** The periodic tick during which we last got a live message of this peer's own; -1: never. */
  long spokeTick = -1;

  /** The periodic tick of our last digest on this link. */
  long digestTick;

  /** The SyncRequest in flight on this link (0: none) and what it asked for. */
  long inflightId;

  List<Want> inflightWants = List.of();

  /** New messages the SyncRequest in flight has brought so far. */
  long inflightFresh;

  /** Dependency fetches in flight on this link, by request id, so that none is asked twice. */
  final Map<Long, List<Want>> depFetches = new HashMap<>();

  long received;

  LinkState(PeerAddress address) {
    this.address = address;
  }

  /** Records what the peer holds of {@code origin}; false (and ignored) if over the bound. */
  boolean putTheirs(PeerId origin, SeqSet held) {
    SeqSet before = theirs.get(origin);
    long after = theirsRanges - (before == null ? 0 : before.rangeCount()) + held.rangeCount();
    if (after > MAX_THEIRS_RANGES) {
      return false;
    }
    theirs.put(origin, held);
    theirsRanges = after;
    return true;
  }

  /** Forgets what the peer holds of {@code origin} (we hold all of it, so it tells us nothing). */
  void dropTheirs(PeerId origin) {
    SeqSet before = theirs.remove(origin);
    if (before != null) {
      theirsRanges -= before.rangeCount();
    }
  }

  void clearTheirs() {
    theirs.clear();
    theirsRanges = 0;
  }

  PeerId id() {
    return address.peerId();
  }

  /** The version of our links last told to this peer (see {@link PeerExchange}). */
  long toldVersion;

  /** The SyncRequest timeout's timer, while one is in flight. */
  Scheduler.Cancellable inflightTimer;
}
