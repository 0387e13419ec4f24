package meshchat.peer.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.ForwardJoin;
import meshchat.peer.message.LinkMessage.Join;
import meshchat.peer.message.LinkMessage.Neighbor;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.Shuffle;
import meshchat.peer.message.LinkMessage.ShuffleReply;
import meshchat.peer.message.LinkMessage.ViewMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Scheduler;

/**
 * HyParView (Leitão, Pereira, Rodrigues 2007) on top of {@link Membership}'s link table, for rooms
 * too big for a full mesh. The links are the <i>active view</i>; the address book is the <i>passive
 * view</i>, the candidates a lost link is replaced from.
 *
 * <ul>
 *   <li><b>Join.</b> A peer with no link dials one contact and sends {@link Join}. The contact
 *       sends {@link ForwardJoin} (ttl {@link #ARWL}) on each of its other links; each walk goes on
 *       to a random link, and where it ends (ttl 0, or a peer with one link) that peer dials the
 *       newcomer. The hop at ttl {@link #PRWL} keeps the newcomer as a passive candidate. So a
 *       newcomer gets about as many links as its contact has, from peers spread over the room, and
 *       nobody dials everyone.
 *   <li><b>Neighbor.</b> The dialer of every other link says at once whether it must have it
 *       ({@code high}: it has no other link, or the link ends a walk) or asks only if there is
 *       room. A receiver whose active view is full refuses a low-priority one (Close
 *       LIMIT_EXCEEDED: not redialed), and makes room for a high one beyond its target by dropping
 *       a random other link, so views stay near {@code ceil(log2 N) + slack} however many join.
 *   <li><b>Shuffle.</b> Every {@link #SHUFFLE_MS} (±25%) a random walk of {@link #SHUFFLE_TTL} hops
 *       carries a few of this peer's links and passive candidates; its last receiver keeps them and
 *       answers on the link the walk came from with as many of its own. Passive views so keep
 *       fresh, random entries, which is what repair after a mass crash draws from.
 * </ul>
 *
 * <p>Every number a peer sends is clamped (a walk never exceeds our own length) and every list it
 * sends is bounded by the codec; dials started by others' walks are limited per round, so a
 * neighbor cannot make this peer dial without bound. The peers a walk or shuffle names are that
 * neighbour's word: hints in the passive view, on its {@link HintBudget}, forgotten with its link
 * (see {@link Membership#learned}); a shuffle passes on only peers this one vouches for.
 */
final class Views {
  /** Active random walk length: hops a ForwardJoin travels. */
  static final int ARWL = 6;

  /** Passive random walk length: the hop that keeps the newcomer as a passive candidate. */
  static final int PRWL = 3;

  /** Hops of a shuffle's walk. */
  static final int SHUFFLE_TTL = 4;

  /** Mean period of a shuffle. */
  static final long SHUFFLE_MS = 10_000;

  /** Links and passive candidates a shuffle carries. */
  static final int SHUFFLE_ACTIVE = 3;

  static final int SHUFFLE_PASSIVE = 5;

  /** Most entries taken from one shuffle or reply. */
  static final int SHUFFLE_MAX = SHUFFLE_ACTIVE + SHUFFLE_PASSIVE + 1;

  /** After a Join, fresh dials wait this long for the walks' links to arrive. */
  static final long JOIN_WINDOW_MS = 1_000;

  /** Most dials that others' walks may start per window of {@link #JOIN_WINDOW_MS}. */
  static final int WALK_DIALS_PER_WINDOW = 8;

  /** Links over the active target before a high-priority neighbor drops a random other link. */
  static final int OVER_TARGET = 2;

  /**
   * Low-priority requests refused in a row before the next one insists (high priority). Without it,
   * a small group cut off by a mass crash, whose members each still have a link, could be refused
   * by every full view outside it forever.
   */
  static final int REFUSALS_BEFORE_HIGH = 2;

  private final Membership m;
  private final MembershipEffects effects;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private Scheduler.Cancellable shuffleTimer;
  private long joinedAt = -JOIN_WINDOW_MS; // no Join yet
  private long walkWindowAt = -JOIN_WINDOW_MS;
  private int walkDials;
  private int refusedInARow;
  private boolean stopped;

  Views(Membership m, MembershipEffects effects, Scheduler scheduler, RandomGenerator random) {
    this.m = m;
    this.effects = effects;
    this.scheduler = scheduler;
    this.random = random;
  }

  void start() {
    scheduleShuffle();
  }

  void stop() {
    stopped = true;
    if (shuffleTimer != null) {
      shuffleTimer.cancel();
    }
  }

  /** True while the links of our Join may still be arriving. */
  boolean joining() {
    return scheduler.nowMillis() - joinedAt < JOIN_WINDOW_MS;
  }

  /** A link we dialed is up; {@code why} we dialed it (null: not known). */
  void dialed(PeerId p, Dials.Kind why) {
    if (!m.partial() && why != Dials.Kind.JOIN) {
      return; // a full mesh needs no view messages
    }
    if (why == Dials.Kind.JOIN && m.linkCount() == 1) {
      joinedAt = scheduler.nowMillis();
      effects.send(p, new Join());
      return;
    }
    boolean high =
        m.linkCount() == 1 || why == Dials.Kind.WALK || refusedInARow >= REFUSALS_BEFORE_HIGH;
    if (high) {
      refusedInARow = 0;
    }
    effects.send(p, new Neighbor(high));
  }

  /** A peer we asked refused the link: its view is full. */
  void refused() {
    refusedInARow++;
  }

  void receive(PeerId from, ViewMessage message) {
    if (message instanceof Join) {
      onJoin(from);
    } else if (message instanceof ForwardJoin f) {
      onForwardJoin(from, f);
    } else if (message instanceof Neighbor n) {
      onNeighbor(from, n.high());
    } else if (message instanceof Shuffle s) {
      onShuffle(from, s);
    } else if (message instanceof ShuffleReply r) {
      take(from, r.peers());
    }
  }

  private void onJoin(PeerId from) {
    PeerAddress joiner = m.addressOf(from);
    if (joiner == null || joiner.port() <= 0 || !m.partial()) {
      return; // one that does not listen cannot be dialed; a full mesh finds it by peer exchange
    }
    for (PeerId p : m.linkedPeers()) {
      if (!p.equals(from)) {
        effects.send(p, new ForwardJoin(joiner, ARWL));
      }
    }
    makeRoom(from);
  }

  private void onForwardJoin(PeerId from, ForwardJoin f) {
    PeerAddress joiner = f.peer();
    if (joiner.peerId().equals(from)) {
      return;
    }
    int ttl = Math.min(f.ttl(), ARWL);
    if (ttl == 0 || m.linkCount() <= 1) {
      walkDial(from, joiner);
      return;
    }
    if (ttl == PRWL) {
      m.hint(joiner, from);
    }
    PeerId next = randomLinkExcept(from, joiner.peerId());
    if (next == null) {
      walkDial(from, joiner);
    } else {
      effects.send(next, new ForwardJoin(joiner, ttl - 1));
    }
  }

  private void walkDial(PeerId from, PeerAddress joiner) {
    long now = scheduler.nowMillis();
    if (now - walkWindowAt >= JOIN_WINDOW_MS) {
      walkWindowAt = now;
      walkDials = 0;
    }
    if (m.linked(joiner.peerId()) || walkDials >= WALK_DIALS_PER_WINDOW) {
      m.hint(joiner, from);
      return;
    }
    if (m.dialWalk(joiner, from)) {
      walkDials++;
    }
  }

  private void onNeighbor(PeerId from, boolean high) {
    if (!m.partial()) {
      return; // a full mesh takes every link up to the cap
    }
    if (high) {
      makeRoom(from);
    } else if (m.linkCount() - 1 >= m.activeTarget() && !m.isPinned(from)) {
      m.drop(from, new Close(CloseReason.LIMIT_EXCEEDED, "active view full"));
    }
  }

  /** Past the target by more than a little: drop a random other link to the passive view. */
  private void makeRoom(PeerId keep) {
    if (m.linkCount() <= m.activeTarget() + OVER_TARGET) {
      return;
    }
    List<PeerId> others = new ArrayList<>();
    for (PeerId p : m.linkedPeers()) {
      if (!p.equals(keep) && !m.isPinned(p)) {
        others.add(p);
      }
    }
    if (!others.isEmpty()) {
      PeerId out = others.get(random.nextInt(others.size()));
      m.drop(out, new Close(CloseReason.LIMIT_EXCEEDED, "dropped to make room in the view"));
    }
  }

  private void onShuffle(PeerId from, Shuffle s) {
    int ttl = Math.min(s.ttl(), SHUFFLE_TTL);
    PeerId next = ttl > 0 && m.linkCount() > 1 ? randomLinkExcept(from, null) : null;
    if (next != null) {
      effects.send(next, new Shuffle(ttl - 1, s.peers()));
      return;
    }
    int n = Math.min(s.peers().size(), SHUFFLE_MAX);
    effects.send(from, new ShuffleReply(m.vouchedSample(n)));
    take(from, s.peers());
  }

  /** A shuffle's peers are {@code from}'s word: hints, like a PeerList's. */
  private void take(PeerId from, List<PeerAddress> peers) {
    for (int i = 0; i < Math.min(peers.size(), SHUFFLE_MAX); i++) {
      m.hint(peers.get(i), from);
    }
  }

  private void scheduleShuffle() {
    if (stopped) {
      return;
    }
    long delay = SHUFFLE_MS * 3 / 4 + random.nextLong(SHUFFLE_MS / 2 + 1);
    shuffleTimer =
        scheduler.schedule(
            delay,
            () -> {
              shuffle();
              scheduleShuffle();
            });
  }

  private void shuffle() {
    if (!m.partial() || m.linkCount() == 0) {
      return;
    }
    List<PeerId> linked = m.linkedPeers();
    PeerId to = linked.get(random.nextInt(linked.size()));
    List<PeerAddress> sample = new ArrayList<>(SHUFFLE_MAX);
    for (int i = 0; i < SHUFFLE_ACTIVE && i < linked.size(); i++) {
      PeerId p = linked.get(random.nextInt(linked.size()));
      PeerAddress a = m.addressOf(p);
      if (!p.equals(to) && a != null && a.port() > 0 && !sample.contains(a)) {
        sample.add(a);
      }
    }
    sample.addAll(m.vouchedSample(SHUFFLE_PASSIVE));
    if (!sample.isEmpty()) {
      effects.send(to, new Shuffle(SHUFFLE_TTL, sample));
    }
  }

  private PeerId randomLinkExcept(PeerId a, PeerId b) {
    List<PeerId> linked = m.linkedPeers();
    for (int tries = 0; tries < 4 && !linked.isEmpty(); tries++) {
      PeerId p = linked.get(random.nextInt(linked.size()));
      if (!p.equals(a) && !p.equals(b)) {
        return p;
      }
    }
    for (PeerId p : linked) {
      if (!p.equals(a) && !p.equals(b)) {
        return p;
      }
    }
    return null;
  }
}
