package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.PeerList;
import meshchat.peer.message.PeerId;

/**
 * Peer exchange and the link-count policy (docs/protocol.md, "Peer exchange").
 *
 * <p><b>How many links.</b> A peer dials until it has {@link RoomConfig#maxLinks} links, and
 * accepts every link dialed to it. A room of at most {@code maxLinks + 1} peers is therefore a full
 * mesh (nothing is ever forwarded); in a bigger room every peer dials {@code maxLinks} members
 * chosen uniformly at random from those it knows, which is a random {@code k}-out graph: connected
 * with high probability already for {@code k ≥ 2}, and of diameter about {@code log n / log k}
 * (Fenner and Frieze 1982, "On the connectivity of random m-orientable graphs and digraphs"). The
 * default 32 is far above {@code log2(n)} for any room the tracker allows (1 000 peers), so the
 * graph stays connected even when some of the chosen peers are down. Links that go down are
 * redialed by the runtime (and the simulation) whatever the count, so a partition that heals gets
 * its old cross links back and the two sides are joined again.
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
  private final Map<PeerId, LinkState> links; // the room's up links, a live view
  private final PeerId self;

  /** Peers dialed because a PeerList named them, not linked yet; forgotten each sync period. */
  private final Set<PeerId> dialing = new HashSet<>();

  /**
   * For each peer, our links that name it in their latest PeerList. The forwarding rule reads it to
   * mark the links to skip, rather than ask every link's set about the author and the sender (two
   * hash lookups per link per message: a fifth of a 100-peer simulation).
   */
  private final Map<PeerId, List<LinkState>> namedBy = new HashMap<>();

  private Scheduler.Cancellable timer;
  private long version; // bumped on each change of our links
  private boolean stopped;

  PeerExchange(
      RoomConfig config,
      PeerId self,
      RoomEffects effects,
      Scheduler scheduler,
      RandomGenerator random,
      Map<PeerId, LinkState> links) {
    this.config = config;
    this.self = self;
    this.effects = effects;
    this.scheduler = scheduler;
    this.random = random;
    this.links = links;
  }

  /** A link came up: tell it our links now, and the others soon. */
  void linkUp(LinkState l) {
    dialing.remove(l.id());
    version++;
    l.toldVersion = version;
    effects.send(l.id(), list());
    announceSoon();
  }

  void linkDown(LinkState l) {
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

  /** Links this peer still wants to dial: {@code maxLinks} minus links up or being dialed. */
  int linksWanted() {
    return Math.max(0, config.maxLinks() - links.size() - dialing.size());
  }

  /** Dials still in progress are given up on once per sync period: a dial may silently fail. */
  void forgetDials() {
    dialing.clear();
  }

  /** Records the sender's neighbors (for forwarding) and dials some of the peers it names. */
  void onPeerList(LinkState from, PeerList list) {
    Set<PeerId> ids = new HashSet<>(list.peers().size() * 2);
    List<PeerAddress> candidates = new ArrayList<>();
    for (PeerAddress a : list.peers()) {
      PeerId p = a.peerId();
      ids.add(p);
      if (a.port() > 0 && !p.equals(self) && !links.containsKey(p) && !dialing.contains(p)) {
        candidates.add(a);
      }
    }
    ids.remove(from.id()); // a peer is not its own neighbor, whatever its list says
    if (!ids.equals(from.neighbors)) { // most lists repeat the last one: nothing to re-index
      unname(from);
      from.neighbors = ids;
      for (PeerId p : ids) {
        namedBy.computeIfAbsent(p, k -> new ArrayList<>(4)).add(from);
      }
    }
    // uniform choice among what we were told: a partial Fisher-Yates shuffle
    int want = Math.min(linksWanted(), candidates.size());
    for (int i = 0; i < want; i++) {
      int j = i + random.nextInt(candidates.size() - i);
      PeerAddress a = candidates.set(j, candidates.get(i));
      candidates.set(i, a);
      dialing.add(a.peerId());
      effects.dial(a);
    }
  }

  private void unname(LinkState l) {
    if (l.neighbors == null) {
      return;
    }
    for (PeerId p : l.neighbors) {
      List<LinkState> naming = namedBy.get(p);
      if (naming != null && naming.remove(l) && naming.isEmpty()) {
        namedBy.remove(p);
      }
    }
  }

  /**
   * Sets {@link LinkState#forwardMark} to {@code mark} on every link whose list names {@code p}.
   */
  void markNaming(PeerId p, long mark) {
    List<LinkState> naming = namedBy.get(p);
    if (naming != null) {
      for (int i = 0; i < naming.size(); i++) {
        naming.get(i).forwardMark = mark;
      }
    }
  }

  /**
   * Whether every link but {@code from} and the author's own names the author, so the forwarding
   * rule has nothing to send: the steady state of a full mesh, answered without scanning the links
   * (the scan was the top hotspot of a 100-peer simulation).
   */
  boolean everyLinkNames(PeerId origin, LinkState from) {
    int others = links.size() - 1;
    if (!from.id().equals(origin) && links.containsKey(origin)) {
      others--;
    }
    List<LinkState> namers = namedBy.get(origin);
    int naming = namers == null ? 0 : namers.size();
    if (from.neighbors != null && from.neighbors.contains(origin)) {
      naming--;
    }
    return naming >= others;
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
    PeerList list = null;
    for (LinkState l : links.values()) {
      if (l.toldVersion != version) {
        if (list == null) {
          list = list();
        }
        l.toldVersion = version;
        effects.send(l.id(), list);
      }
    }
  }

  private PeerList list() {
    Collection<LinkState> all = links.values();
    List<PeerAddress> out = new ArrayList<>(Math.min(all.size(), config.peerListMaxEntries()));
    for (LinkState l : all) {
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
