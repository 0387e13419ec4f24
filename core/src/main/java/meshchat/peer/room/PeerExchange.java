package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.PeerList;
import meshchat.peer.message.PeerId;

/**
 * Peer exchange (docs/protocol.md, "Peer exchange"): tells each link which peers this one is linked
 * to, records what each link tells (its neighbours, for the forwarding rule), and hands the peers
 * named that are not linked to {@link RoomEffects#dial}, where membership decides whether and whom
 * to dial.
 *
 * <p><b>What to tell.</b> A new link gets our PeerList at once; a change of links is told to the
 * other links at most once per {@link RoomConfig#peerListDelayMs}, so a burst of link changes costs
 * one PeerList per link. A list holds at most {@link RoomConfig#peerListMaxEntries} of our links (a
 * random sample beyond). A sample is still safe for the forwarding rule: it only skips a peer whose
 * list names the author, and every name in a sample is a real link; an unnamed link just means a
 * possible duplicate.
 */
final class PeerExchange {
  private final RoomConfig config;
  private final RoomEffects effects;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Map<PeerId, Link> links = new LinkedHashMap<>(); // up links, in order up
  private final PeerId self;

  /**
   * For each peer, our links that name it in their latest PeerList. The forwarding rule reads it to
   * mark the links to skip, rather than ask every link's set about the author and the sender for
   * every message (docs/decisions/0002-forwarding-marks.md).
   */
  private final Map<PeerId, List<Link>> namedBy = new HashMap<>();

  // The last two peers looked up in namedBy and their lists (null: none), as the forwarding rule
  // asks about a message's author and sender several times over; forgotten when namedBy changes.
  private PeerId namedKey0;
  private PeerId namedKey1;
  private List<Link> named0;
  private List<Link> named1;

  /** Peer exchange's state of one up link. Only this class writes it. */
  static final class Link {
    private final PeerAddress address;

    /** The peer's own links, from its latest PeerList; null until one arrives. */
    private Set<PeerId> neighbors;

    /** The version of our links last told to this peer. */
    private long toldVersion;

    /** The peers named in the list last told to this peer. */
    private Set<PeerId> told = Set.of();

    /** Equal to the latest mark given while this link's list names a marked peer. */
    private long mark;

    Link(PeerAddress address) {
      this.address = address;
    }

    /** Whether this link's list names a peer marked with {@code m} ({@link #markNaming}). */
    boolean marked(long m) {
      return mark == m;
    }
  }

  private Scheduler.Cancellable timer;
  private long version; // bumped on each change of our links
  private boolean linkAdded; // a link came up since the last announcement
  private boolean stopped;

  PeerExchange(
      RoomConfig config,
      PeerId self,
      RoomEffects effects,
      Scheduler scheduler,
      RandomGenerator random) {
    this.config = config;
    this.self = self;
    this.effects = effects;
    this.scheduler = scheduler;
    this.random = random;
  }

  /** A link came up: its state, which the room hands back with each event. Tells nothing yet. */
  Link register(PeerAddress peer) {
    Link l = new Link(peer);
    links.put(peer.peerId(), l);
    return l;
  }

  /** A registered link is ready: tell it our links now, and the others soon. */
  void linkUp(Link l) {
    version++;
    linkAdded = true;
    l.toldVersion = version;
    PeerList list = list();
    l.told = named(list);
    effects.send(l.address.peerId(), list);
    announceSoon();
  }

  void linkDown(Link l) {
    links.remove(l.address.peerId());
    unname(l);
    version++;
    announceSoon();
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  /**
   * Records the sender's neighbors (for forwarding) and, when they changed, offers the ones not
   * linked to membership. Returns whether the list dropped a neighbor the previous one named: what
   * was taken as pushed to the sender by that neighbor may not have been.
   */
  boolean onPeerList(Link from, PeerList list) {
    Set<PeerId> ids = new HashSet<>(list.peers().size() * 2);
    List<PeerAddress> candidates = new ArrayList<>();
    for (PeerAddress a : list.peers()) {
      PeerId p = a.peerId();
      ids.add(p);
      if (a.port() > 0 && !p.equals(self) && !links.containsKey(p)) {
        candidates.add(a);
      }
    }
    PeerId fromId = from.address.peerId();
    ids.remove(fromId); // a peer is not its own neighbor, whatever its list says
    if (ids.equals(from.neighbors)) {
      return false; // most lists repeat the last one: nothing to re-index
    }
    boolean dropped = from.neighbors != null && !ids.containsAll(from.neighbors);
    unname(from);
    forgetNamed();
    from.neighbors = ids;
    for (PeerId p : ids) {
      namedBy.computeIfAbsent(p, k -> new ArrayList<>(4)).add(from);
    }
    candidates.forEach(a -> effects.dial(fromId, a));
    return dropped;
  }

  private void unname(Link l) {
    if (l.neighbors == null) {
      return;
    }
    forgetNamed();
    for (PeerId p : l.neighbors) {
      List<Link> naming = namedBy.get(p);
      if (naming != null && naming.remove(l) && naming.isEmpty()) {
        namedBy.remove(p);
      }
    }
  }

  /**
   * Marks with {@code mark} every link whose list names {@code p}, so that {@link Link#marked}
   * answers for it: the room's forwarding rule asks it of each link without asking each link's set
   * (docs/decisions/0002-forwarding-marks.md). A mark is new for each message.
   */
  void markNaming(PeerId p, long mark) {
    List<Link> naming = namedBy(p);
    if (naming != null) {
      for (int i = 0; i < naming.size(); i++) {
        naming.get(i).mark = mark;
      }
    }
  }

  /**
   * Marks with {@code mark} every link that {@code l}'s latest list names. The room asks it of the
   * link its author sent a message on: the author pushed it to each of them itself (authors push
   * their own messages whole on every link), and its list reached us before the message did ({@link
   * #announcePending}), where the lists of the peers it just linked to may still be on their way.
   */
  void markNamedBy(Link l, long mark) {
    if (l.neighbors == null) {
      return;
    }
    for (PeerId p : l.neighbors) {
      Link named = links.get(p);
      if (named != null) {
        named.mark = mark;
      }
    }
  }

  /**
   * A new link waiting for its announcement is told now. The room calls it before it pushes an own
   * message, so every link hears which peers we pushed it to before the message itself (one link
   * keeps its frames in order): a neighbour then never relays it to a peer we just linked to and
   * pushed it to ourselves, and a full mesh that forms while its members talk forwards nothing. A
   * lost link waits for the delay as before (a stale name only costs a copy that anti-entropy
   * repairs), and so does every change of a quiet peer.
   */
  void announcePending() {
    if (timer == null || !linkAdded) {
      return;
    }
    linkAdded = false;
    if (!everyLinkToldOfEveryLink()) {
      timer.cancel();
      timer = null;
      announce();
    }
  }

  /**
   * True if the list each link last heard names every link we hold: a link that closed and opened
   * again before its close was told (a reset, on a lossy network) changes nothing a neighbour's
   * forwarding rule reads, and needs no list before the delay.
   */
  private boolean everyLinkToldOfEveryLink() {
    for (Link l : links.values()) {
      for (PeerId p : links.keySet()) {
        if (!l.told.contains(p)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether every link but {@code from} and the author's own names the author, so the forwarding
   * rule has nothing to send: the steady state of a full mesh. Asked for every message, so it is
   * answered from counts, without scanning the links (docs/decisions/0002-forwarding-marks.md).
   */
  boolean everyLinkNames(PeerId origin, Link from) {
    int others = links.size() - 1;
    if (!from.address.peerId().equals(origin) && links.containsKey(origin)) {
      others--;
    }
    List<Link> namers = namedBy(origin);
    int naming = namers == null ? 0 : namers.size();
    if (from.neighbors != null && from.neighbors.contains(origin)) {
      naming--;
    }
    return naming >= others;
  }

  /** {@code namedBy.get(p)}, remembered for the last two peers asked. */
  private List<Link> namedBy(PeerId p) {
    if (p == namedKey0) {
      return named0;
    }
    if (p == namedKey1) {
      return named1;
    }
    List<Link> naming = namedBy.get(p);
    namedKey1 = namedKey0;
    named1 = named0;
    namedKey0 = p;
    named0 = naming;
    return naming;
  }

  private void forgetNamed() {
    namedKey0 = null;
    namedKey1 = null;
    named0 = null;
    named1 = null;
  }

  private void announceSoon() {
    if (timer != null || stopped) {
      return;
    }
    timer =
        scheduler.schedule(
            config.peerListDelayMs(),
            () -> {
              timer = null;
              announce();
            });
  }

  /** Sends the current list to every link that has not heard this version yet. */
  private void announce() {
    linkAdded = false;
    PeerList list = null;
    Set<PeerId> named = null;
    for (Link l : links.values()) {
      if (l.toldVersion != version) {
        if (list == null) {
          list = list();
          named = named(list);
        }
        l.toldVersion = version;
        l.told = named;
        effects.send(l.address.peerId(), list);
      }
    }
  }

  private static Set<PeerId> named(PeerList list) {
    Set<PeerId> ids = new HashSet<>(list.peers().size() * 2);
    for (PeerAddress a : list.peers()) {
      ids.add(a.peerId());
    }
    return ids;
  }

  private PeerList list() {
    Collection<Link> all = links.values();
    List<PeerAddress> out = new ArrayList<>(Math.min(all.size(), config.peerListMaxEntries()));
    for (Link l : all) {
      out.add(l.address);
    }
    int max = config.peerListMaxEntries();
    if (out.size() > max) {
      for (int i = 0; i < max; i++) {
        int j = i + random.nextInt(out.size() - i);
        out.set(j, out.set(i, out.get(j)));
      }
      out = new ArrayList<>(out.subList(0, max));
    }
    return new PeerList(out);
  }
}
