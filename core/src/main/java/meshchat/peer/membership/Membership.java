package meshchat.peer.membership;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Scheduler;

/**
 * Which peers this one is linked to, and every decision about links: a network-free state machine
 * beside the room, driven alike by the Netty runtime and the simulation.
 *
 * <p><b>Link table and tie-break.</b> One link per peer. When a second connection to a linked peer
 * completes its handshake (both dialed at once, or a redial after a silent failure), both sides
 * keep the one dialed by the smaller peer id, or the newer if one side dialed both, and close the
 * other with DUPLICATE_LINK (docs/protocol.md, "One link per pair").
 *
 * <p><b>How many links.</b> Never more than {@code maxLinks}, and never more than {@link
 * MembershipConfig#sourceCap} (a quarter) from one source, an IPv4 address or IPv6 /64 ({@link
 * MembershipEffects#sourceOf}): one more from that source is closed with LIMIT_EXCEEDED "too many
 * links from one address". Of the links dialed to us (not pinned), no more than {@link
 * MembershipConfig#groupCap} (a quarter) from one network group, a public IPv4 /16 or IPv6 /32
 * ({@link MembershipEffects#groupOf}): one more is closed with "too many links from one network".
 * When the table is full, a newcomer from a group holding at least two accepted links fewer than
 * the most represented group, or from a source holding at least two links fewer than the most
 * represented one, makes room: that group's or source's youngest evictable link is dropped
 * ("dropped to make room for a peer from another address", {@link #evictionVictim}, at most one per
 * {@link MembershipConfig#evictionIntervalMs}); otherwise the newcomer is closed with
 * LIMIT_EXCEEDED "link cap reached", whichever side dialed it. The peer refused or dropped does not
 * redial. So a stranger with throwaway keys on a few addresses holds at most its sources' shares,
 * and peers with addresses of their own always find room (rev29 F3). A round every {@link
 * MembershipConfig#roundMs} (±25%) dials fresh candidates, chosen uniformly from the address book,
 * while fewer than the active-view target are up or being dialed: every peer while the room is
 * small (a full mesh up to {@code maxLinks + 1} peers), {@code ceil(log2 N) + viewSlack} beyond, N
 * being the peers known (HyParView's active view, Leitão et al. 2007). The gap between that target
 * and the cap is the room newcomers link into, so a join storm finds peers with free slots. Lost
 * links being redialed hold a slot too, but at most half of them, so that dead neighbours cannot
 * starve a peer of links. New candidates (tracker members, peer exchange, the peer cache) also
 * start a fill at once, after the current event, so that a burst of them is sampled as one.
 *
 * <p>All calls come on the room's one thread; effects must not call back synchronously.
 */
public final class Membership {
  /**
   * A link: its connection, where it comes from ({@code source}: what per-source bounds count;
   * {@code group}: the network the per-group bound of accepted links counts).
   */
  private record Conn(
      long id, PeerAddress address, boolean dialedByUs, String source, String group, long upAt) {}

  private final MembershipConfig config;
  private final PeerId self;
  private final MembershipEffects effects;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final KnownPeers known;
  private final Dials dials;
  private final Map<PeerId, Conn> links = new LinkedHashMap<>();
  private final Map<String, Integer> perSource = new HashMap<>(); // links held per source
  // members the tracker named: their links are among those a make-room eviction spares
  private final Set<PeerId> trackerNamed = new HashSet<>();
  private long lastEvictionAt = Long.MIN_VALUE / 4;
  // linked peers not handed to the peer cache yet: their link has not stood rememberAfterMs
  private final Set<PeerId> unproven = new LinkedHashSet<>();
  private final Set<PeerId> pinned = new HashSet<>();
  private final Map<PeerId, Scheduler.Cancellable> pendingDown = new HashMap<>();
  // linked peers the tracker said left: forgotten, and not redialed, when their link goes
  private final Set<PeerId> leftWhileLinked = new HashSet<>();
  private final Views views;
  private final HintBudget hintBudget;
  private final DialBudget dialBudget;
  private Scheduler.Cancellable roundTimer;
  private boolean fillQueued;
  private boolean stopped;

  public Membership(
      MembershipConfig config,
      PeerId self,
      MembershipEffects effects,
      Scheduler scheduler,
      RandomGenerator random) {
    this.config = config;
    this.self = self;
    this.effects = effects;
    this.scheduler = scheduler;
    this.random = random;
    this.known = new KnownPeers(config.maxKnown(), random);
    this.dials = new Dials(config, scheduler, random, effects::dial);
    this.views = new Views(this, effects, scheduler, random);
    this.hintBudget = new HintBudget(scheduler::nowMillis);
    this.dialBudget = new DialBudget(scheduler::nowMillis);
  }

  /** The namer of every LAN announcement: one budget for the local network. */
  private static final Object LAN = "lan";

  /** Starts from the peers met before (the peer cache): they are candidates like any other. */
  public void start(List<PeerAddress> cached) {
    for (PeerAddress a : cached) {
      learn(a);
    }
    effects.askForMembers();
    fill();
    scheduleRound();
    views.start();
  }

  /** Leaves: no more dials or redials. The room closes the links itself, with LEAVING. */
  public void stop() {
    stopped = true;
    dials.clear();
    pendingDown.values().forEach(Scheduler.Cancellable::cancel);
    pendingDown.clear();
    if (roundTimer != null) {
      roundTimer.cancel();
    }
    views.stop();
  }

  // ---- candidates ----

  /** Members the tracker named (its answer to a registration, or a join it pushed). */
  public void membersFound(List<PeerAddress> members) {
    for (PeerAddress a : members) {
      if (learn(a)) {
        effects.remember(a);
        nameByTracker(a.peerId());
      }
    }
    fillSoon();
  }

  /**
   * A peer named by linked neighbour {@code namer}'s PeerList: a hint (docs/security.md, "PeerList
   * entries are hints"). It is dialed only as fast as {@link HintBudget} lets {@code namer}, and
   * after the peers vouched for; it never moves a peer already known at another address; it is
   * forgotten on its first failed dial and when {@code namer}'s link goes down; it is kept in the
   * peer cache only once a link to it has proved its key ({@link #connected}). So a stranger's list
   * makes this peer dial a third party a bounded number of times, never again after that failed or
   * the stranger left. A hint from a peer that is not linked (any more) is ignored.
   */
  public void learned(PeerId namer, PeerAddress address) {
    if (links.containsKey(namer) && hint(address, namer)) {
      fillSoon();
    }
  }

  /**
   * A peer heard of on the local network: a hint like a PeerList entry, all of the LAN one namer.
   */
  public void hinted(PeerAddress address) {
    if (hint(address, LAN)) {
      fillSoon();
    }
  }

  /** Takes {@code a} as a hint from {@code namer}; true if it is new in the address book. */
  /**
   * Whether every link accepts {@code a} in a membership frame (its nick at most {@link
   * WireBounds#MAX_NICK_BYTES}; a host is checked where it is read): an address a neighbour would
   * refuse is never learned, so it never goes out in our Shuffles, each of which would close a link
   * (rev36 FINDING-6: a tracker listing members with 200-byte nicks; a peer cache line too).
   */
  static boolean sendable(PeerAddress a) {
    String nick = a.nick();
    return nick == null
        || nick.length() <= WireBounds.MAX_NICK_BYTES / 3
        || nick.getBytes(StandardCharsets.UTF_8).length <= WireBounds.MAX_NICK_BYTES;
  }

  boolean hint(PeerAddress a, Object namer) {
    return !stopped && !a.peerId().equals(self) && known.addHint(a, namer);
  }

  /**
   * The member left the room (the tracker says so): stop dialing it. A peer we hold a link to stays
   * in the address book until that link goes: the link is better news than the tracker's, which
   * also says "left" when it merely expired a registration whose heartbeats came late (a loaded
   * box). Forgetting a linked peer would shrink the room's size estimate, and a big room seen as
   * under the cap turns back to a full mesh, dialing everyone it knows.
   */
  public void memberLeft(PeerId peer) {
    pinned.remove(peer);
    trackerNamed.remove(peer);
    dials.remove(peer);
    if (links.containsKey(peer)) {
      leftWhileLinked.add(peer);
    } else {
      known.remove(peer);
    }
  }

  /** Dial {@code address} by hand and keep redialing it until linked, whatever the link count. */
  public void pin(PeerAddress address) {
    if (stopped || address.peerId().equals(self) || !known.add(address)) {
      return;
    }
    pinned.add(address.peerId());
    if (!links.containsKey(address.peerId())) {
      dials.start(address, Dials.Kind.PINNED);
    }
  }

  boolean learn(PeerAddress a) {
    if (stopped || a.peerId().equals(self) || !sendable(a)) {
      return false;
    }
    leftWhileLinked.remove(a.peerId()); // named again, or its handshake proved it here
    return known.add(a);
  }

  /**
   * A membership message (join, forward-join, neighbor, shuffle) arrived on the link to {@code
   * from}; ignored if that peer is not linked (the link went down while it was queued).
   */
  public void receive(PeerId from, LinkMessage.ViewMessage message) {
    if (!stopped && links.containsKey(from)) {
      views.receive(from, message);
    }
  }

  // ---- connections ----

  /**
   * A connection to {@code address.peerId()} finished its handshake. It becomes the link to that
   * peer, replaces the current one, or is closed, by the tie-break.
   */
  public void connected(long connection, PeerAddress address, boolean dialedByUs) {
    PeerId p = address.peerId();
    if (stopped || p.equals(self)) {
      effects.close(connection, new Close(CloseReason.LEAVING, "leaving"));
      return;
    }
    String source = effects.sourceOf(address);
    String group = effects.groupOf(address);
    Conn next = new Conn(connection, address, dialedByUs, source, group, scheduler.nowMillis());
    Conn current = links.get(p);
    Dials.Kind why = dials.kindOf(p);
    Close refusal = current == null ? admit(next) : null;
    if (refusal != null) {
      // refused: neither learned nor remembered, so a stranger's throwaway keys leave no trace
      dials.remove(p);
      effects.close(connection, refusal);
    } else if (current == null) {
      learn(address); // proven by its handshake: no longer a hint
      dialBudget.linked(source);
      put(p, next);
      rememberOnceProven(p);
      dials.remove(p);
      if (dialedByUs) {
        views.dialed(p, why); // before the room's first frames: the receiver reads it first
      }
      effects.linkUp(connection, address);
      Scheduler.Cancellable grace = pendingDown.remove(p);
      if (grace != null) {
        grace.cancel();
      } else {
        effects.peerUp(p, address.nick());
      }
    } else if (!source.equals(current.source()) && held(source) >= config.sourceCap()) {
      // the peer moved to a source that holds its share already: keep the link it has
      effects.close(connection, sourceFull());
    } else if (countsInGroup(next)
        && !(countsInGroup(current) && group.equals(current.group()))
        && groupHeld(group) >= config.groupCap()) {
      // it dialed us now from a network whose accepted links are at their share: keep the old link
      effects.close(connection, groupFull());
    } else if (!effects.open(current.id()) || keepNew(current, next)) {
      // a swap, as the tie-break makes one; also when the current link's connection is gone and
      // its close not yet (or never) reported: the tie-break must not refuse the peer's every new
      // connection as a duplicate of a dead one
      learn(address);
      next = new Conn(connection, address, dialedByUs, source, group, current.upAt()); // tenure
      put(p, next);
      if (!unproven.contains(p) && !address.equals(current.address())) {
        effects.remember(address); // proven already, and it moved: the cache dials it there
      }
      effects.close(current.id(), loser());
      // a fresh link state: the digest exchange on linkUp repairs anything in flight on the old one
      effects.linkDown(p);
      effects.linkUp(connection, address);
    } else {
      effects.close(connection, loser());
    }
  }

  /**
   * Connection {@code connection} to {@code peer} closed; {@code received} is its Close, if any.
   */
  public void disconnected(long connection, PeerId peer, Close received) {
    Conn c = links.get(peer);
    if (c == null || c.id() != connection) {
      return; // the loser of a tie-break, or refused
    }
    removeLink(peer);
    effects.linkDown(peer);
    forgetWordOf(peer);
    if (stopped) {
      return;
    }
    String nick = c.address().nick();
    if (leftWhileLinked.remove(peer)
        || (received != null && received.reason() == CloseReason.LEAVING)) {
      memberLeft(peer);
      effects.peerDown(peer, nick);
      return;
    }
    boolean refused = received != null && received.reason() == CloseReason.LIMIT_EXCEEDED;
    if (refused && c.dialedByUs()) {
      views.refused();
    }
    if (c.address().port() > 0 && !refused) { // one that does not listen dials us
      dials.lost(c.address(), pinned.contains(peer));
      fillSoon(); // a slot may be free (once the redial fails): promote a passive peer
    }
    if (received != null && received.reason() == CloseReason.DUPLICATE_LINK) {
      // the other side kept the other connection, which is about to come up here
      pendingDown.put(
          peer,
          scheduler.schedule(
              config.swapGraceMs(),
              () -> {
                pendingDown.remove(peer);
                effects.peerDown(peer, nick);
              }));
    } else {
      effects.peerDown(peer, nick);
    }
  }

  /** A dial to {@code peer} settled: it failed, or its connection closed. */
  public void dialEnded(PeerId peer) {
    boolean linked = links.containsKey(peer);
    boolean redial = dials.has(peer) && !dials.kindOf(peer).oneShot();
    boolean big = partial();
    if (dials.ended(peer, linked) && (big || known.namerOf(peer) != null)) {
      known.remove(peer); // a dead passive entry (HyParView drops it), or a stranger's word
    }
    if (!linked && !stopped && (redial || big)) {
      // its slot is free now; paced by the redial backoff, or by a book that shrinks per failure
      fillSoon();
    }
  }

  // ---- the link-count policy ----

  /**
   * Whether a dial is under way: started and neither linked nor failed yet. The self-fork check
   * does not call a peer offline while it is still reaching someone ({@code Room#reaching}).
   */
  public boolean dialing() {
    return dials.anyDialing();
  }

  /** Fresh candidates this peer would dial now. */
  public int linksWanted() {
    int held =
        links.size()
            + dials.freshPending()
            + Math.min(dials.redialsHolding(), config.maxLinks() / 2);
    return Math.max(0, activeTarget() - held);
  }

  /**
   * How many links to dial up to: everyone in a room of at most {@code maxLinks} peers, else {@code
   * ceil(log2 N) + viewSlack}, N counting this peer, its links and the peers it knows. (A tracker
   * names at most 32 others, so an answer of 32 already means a room too big for a full mesh at the
   * default cap.)
   */
  public int activeTarget() {
    if (!partial()) {
      return config.maxLinks();
    }
    int n = roomEstimate();
    int log2 = 32 - Integer.numberOfLeadingZeros(n - 1); // ceil(log2 n) for n >= 2
    return Math.min(config.maxLinks(), log2 + config.viewSlack());
  }

  /** True when the room is too big for a full mesh: partial views, joins by forward-join. */
  public boolean partial() {
    return roomEstimate() > config.maxLinks();
  }

  private int roomEstimate() {
    return Math.max(known.size(), links.size()) + 1;
  }

  private void fillSoon() {
    if (!fillQueued && !stopped) {
      fillQueued = true;
      scheduler.schedule(
          0,
          () -> {
            fillQueued = false;
            fill();
          });
    }
  }

  private void fill() {
    if (stopped) {
      return;
    }
    int wanted = linksWanted();
    if (partial()) {
      if (links.isEmpty() && dials.freshPending() == 0) {
        wanted = Math.min(wanted, 1); // alone in a big room: join through one contact
      } else if (views.joining()) {
        return; // the forward-joins of our Join are still arriving
      }
    }
    // peers vouched for first, so that a stranger's many hints cannot crowd them out; then hints,
    // as far as their namers' budgets go
    List<PeerAddress> picks = known.sampleVouched(wanted, this::free);
    if (picks.size() < wanted && known.hints() > 0) {
      picks.addAll(
          known.sample(
              wanted - picks.size(),
              a -> {
                Object namer = known.namerOf(a.peerId());
                return namer != null && hintBudget.has(namer) && free(a);
              }));
    }
    Dials.Kind kind = partial() && links.isEmpty() ? Dials.Kind.JOIN : Dials.Kind.FRESH;
    if (anySourceFull()) {
      picks.removeIf(a -> !sourceHasRoom(a)); // its link would be refused: dial it no more
    }
    // new candidates at a source whose dials do not link are dialed at its budget's pace
    picks.removeIf(a -> !dialBudget.allows(effects.sourceOf(a)));
    for (PeerAddress a : picks) {
      Object namer = known.namerOf(a.peerId());
      if ((namer == null || hintBudget.take(namer)) && dialBudget.allows(effects.sourceOf(a))) {
        dialBudget.spend(effects.sourceOf(a));
        dials.start(a, kind);
      }
    }
  }

  private boolean free(PeerAddress a) {
    return !links.containsKey(a.peerId()) && !dials.has(a.peerId());
  }

  /** The link to {@code peer} is gone: what it named and nobody proved is nobody's word now. */
  private void forgetWordOf(PeerId peer) {
    known.forgetHintsOf(peer);
    hintBudget.forget(peer);
  }

  /**
   * Dials {@code a}, the end of a forward-join walk that {@code namer} sent on, if a slot is free
   * and, unless {@code a} is vouched for, {@code namer}'s hint budget allows.
   */
  boolean dialWalk(PeerAddress a, PeerId namer) {
    if (stopped
        || a.peerId().equals(self)
        || links.containsKey(a.peerId())
        || dials.has(a.peerId())
        || links.size() + dials.freshPending() >= config.maxLinks()
        || !sourceHasRoom(a)
        || !dialBudget.allows(effects.sourceOf(a))) {
      return false;
    }
    boolean known = this.known.get(a.peerId()) != null;
    if (!known || this.known.namerOf(a.peerId()) != null) { // a hint: on namer's budget
      if (!hintBudget.has(namer) || (!known && !hint(a, namer))) {
        return false;
      }
      hintBudget.take(namer);
    }
    dialBudget.spend(effects.sourceOf(a));
    dials.start(a, Dials.Kind.WALK);
    return true;
  }

  /**
   * Closes the link to {@code peer} on purpose ({@code reason} says why: the view is full, or it
   * was dropped to make room); it is not redialed and stays a passive candidate.
   */
  void drop(PeerId peer, Close reason) {
    Conn c = removeLink(peer);
    if (c == null) {
      return;
    }
    effects.linkDown(peer);
    effects.close(c.id(), reason);
    effects.peerDown(peer, c.address().nick());
    forgetWordOf(peer);
    if (leftWhileLinked.remove(peer)) {
      known.remove(peer); // the tracker's word stands now that the link is gone
    } else {
      learn(c.address());
    }
  }

  private void scheduleRound() {
    if (stopped) {
      return;
    }
    long base = config.roundMs();
    long delay = Math.max(1, base * 3 / 4 + random.nextLong(base / 2 + 1));
    roundTimer =
        scheduler.schedule(
            delay,
            () -> {
              rememberProven();
              if (linksWanted() > 0) {
                effects.askForMembers();
              }
              fill();
              scheduleRound();
            });
  }

  private boolean keepNew(Conn current, Conn candidate) {
    PeerId peer = candidate.address().peerId();
    PeerId winner = self.compareTo(peer) < 0 ? self : peer;
    boolean candidateWins = dialer(candidate).equals(winner);
    boolean currentWins = dialer(current).equals(winner);
    return candidateWins == currentWins || candidateWins;
  }

  private PeerId dialer(Conn c) {
    return c.dialedByUs() ? self : c.address().peerId();
  }

  static Close full() {
    return new Close(CloseReason.LIMIT_EXCEEDED, "link cap reached");
  }

  static Close sourceFull() {
    return new Close(CloseReason.LIMIT_EXCEEDED, "too many links from one address");
  }

  static Close groupFull() {
    return new Close(CloseReason.LIMIT_EXCEEDED, "too many links from one network");
  }

  static Close evicted() {
    return new Close(
        CloseReason.LIMIT_EXCEEDED, "dropped to make room for a peer from another address");
  }

  // ---- per-source shares and make-room evictions (rev29 F3) ----

  private int held(String source) {
    return perSource.getOrDefault(source, 0);
  }

  private void put(PeerId p, Conn c) {
    Conn old = links.put(p, c);
    if (old != null) {
      unhold(old.source());
    }
    perSource.merge(c.source(), 1, Integer::sum);
  }

  private Conn removeLink(PeerId p) {
    Conn c = links.remove(p);
    if (c != null) {
      unhold(c.source());
      if (unproven.remove(p) && proven(c)) {
        effects.remember(c.address()); // it stood long enough; no round came round since
      }
    }
    return c;
  }

  private void unhold(String source) {
    perSource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
  }

  private boolean anySourceFull() {
    int cap = config.sourceCap();
    for (int n : perSource.values()) {
      if (n >= cap) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code c} counts against its network group's share: a link the peer at the far end
   * dialed, not pinned. Links this peer dialed are its own choice, and a pinned peer the user's.
   */
  private boolean countsInGroup(Conn c) {
    return !c.dialedByUs() && !pinned.contains(c.address().peerId());
  }

  /** Accepted links held from network {@code group} ({@link #countsInGroup}): at most 32 read. */
  private int groupHeld(String group) {
    int n = 0;
    for (Conn c : links.values()) {
      if (countsInGroup(c) && c.group().equals(group)) {
        n++;
      }
    }
    return n;
  }

  private boolean sourceHasRoom(PeerAddress a) {
    return held(effects.sourceOf(a)) < config.sourceCap();
  }

  private void nameByTracker(PeerId p) {
    if (trackerNamed.size() >= config.maxKnown()) {
      trackerNamed.removeIf(q -> known.get(q) == null); // bounded by the address book
    }
    if (trackerNamed.size() < config.maxKnown()) {
      trackerNamed.add(p);
    }
  }

  /**
   * Whether a new link {@code next} (to a peer not linked yet) may be held: null if so, else the
   * Close that refuses it. Its source must hold fewer than {@link MembershipConfig#sourceCap}
   * links. When the table is full, a newcomer from a source less represented than another makes
   * room: {@link #evictionVictim} chooses a link to drop, and only if there is none is the newcomer
   * refused with "link cap reached".
   */
  private Close admit(Conn next) {
    if (held(next.source()) >= config.sourceCap()) {
      return sourceFull();
    }
    if (countsInGroup(next) && groupHeld(next.group()) >= config.groupCap()) {
      return groupFull();
    }
    if (links.size() < config.maxLinks()) {
      return null;
    }
    Conn victim = evictionVictim(next);
    if (victim == null) {
      return full();
    }
    lastEvictionAt = scheduler.nowMillis();
    PeerId out = victim.address().peerId();
    drop(out, evicted());
    if (!trackerNamed.contains(out)) {
      known.remove(out); // a stranger's young link is not dialed back either
    }
    return null;
  }

  /**
   * The link dropped to make room for a newcomer from {@code newSource}, or null: the policy, as
   * Bitcoin Core's inbound eviction and hardened HyParView views do it, deterministic given the
   * link table and the clock. At most one eviction per {@link MembershipConfig#evictionIntervalMs}.
   * Never evicted: links this peer dialed (its own choice of view, which is what reaches a
   * partition, and the tracker's members it linked), pinned peers, and up to {@code maxLinks / 4}
   * links of members the tracker named that dialed us (the longest-standing). First by network: the
   * network group ({@link MembershipEffects#groupOf}) holding the most accepted links loses one (of
   * its most represented source, the youngest) if it holds at least two more accepted links than
   * the newcomer's group, so a stranger's many addresses in one network (32 /64s of a /48) give way
   * to newcomers from other networks as one address's keys do (session 30). Otherwise, as before
   * groups: among the other accepted links, the source holding the most links overall loses its
   * youngest (the link with the least history: a key cycled in a moment ago, never one that has
   * stood for long while its source has a younger one); ties go to the source whose link is
   * youngest. Only if that source holds at least two more links than the newcomer's: a source is
   * never evicted below one link, and peers that each have an address of their own never evict each
   * other, so cycling keys or addresses cannot unseat them.
   */
  private Conn evictionVictim(Conn next) {
    if (scheduler.nowMillis() - lastEvictionAt < config.evictionIntervalMs()) {
      return null;
    }
    List<Conn> accepted = new ArrayList<>();
    for (Conn c : links.values()) {
      if (!c.dialedByUs() && !pinned.contains(c.address().peerId())) {
        accepted.add(c);
      }
    }
    accepted.sort(
        (a, b) ->
            a.upAt() != b.upAt() ? Long.compare(a.upAt(), b.upAt()) : Long.compare(a.id(), b.id()));
    int namedSpared = config.maxLinks() / 4;
    List<Conn> rest = new ArrayList<>(accepted.size());
    for (Conn c : accepted) {
      if (namedSpared > 0 && trackerNamed.contains(c.address().peerId())) {
        namedSpared--;
      } else {
        rest.add(c);
      }
    }
    // first by network: the most represented group's most represented source's youngest link
    Map<String, Integer> groups = new HashMap<>();
    for (Conn c : accepted) {
      groups.merge(c.group(), 1, Integer::sum);
    }
    int newGroup = groups.getOrDefault(next.group(), 0);
    Conn byGroup = null;
    for (int i = rest.size() - 1; i >= 0; i--) { // youngest first
      Conn c = rest.get(i);
      if (byGroup == null
          || groups.get(c.group()) > groups.get(byGroup.group())
          || (groups.get(c.group()).equals(groups.get(byGroup.group()))
              && c.group().equals(byGroup.group())
              && held(c.source()) > held(byGroup.source()))) {
        byGroup = c;
      }
    }
    if (byGroup != null
        && !byGroup.group().equals(next.group())
        && groups.get(byGroup.group()) > newGroup + 1) {
      return byGroup;
    }
    // then by source, as before groups: a source holding two links more than the newcomer's
    Conn best = null;
    for (int i = rest.size() - 1; i >= 0; i--) { // youngest first
      Conn c = rest.get(i);
      if (best == null || held(c.source()) > held(best.source())) {
        best = c;
      }
    }
    return best != null && held(best.source()) > held(next.source()) + 1 ? best : null;
  }

  /**
   * Puts linked peer {@code p} in the peer cache once its link has stood {@link
   * MembershipConfig#rememberAfterMs}: checked each membership round ({@link #rememberProven}) and
   * when the link goes, so that a refused or short-lived link (a throwaway key's) is never
   * remembered and costs no timer (rev29 F5).
   */
  private void rememberOnceProven(PeerId p) {
    if (config.rememberAfterMs() == 0) {
      effects.remember(links.get(p).address());
    } else {
      unproven.add(p);
    }
  }

  private boolean proven(Conn c) {
    return scheduler.nowMillis() - c.upAt() >= config.rememberAfterMs();
  }

  /** Hands the peer cache every linked peer whose link has now stood long enough. */
  private void rememberProven() {
    if (unproven.isEmpty()) {
      return;
    }
    for (var it = unproven.iterator(); it.hasNext(); ) {
      Conn c = links.get(it.next());
      if (c == null) {
        it.remove();
      } else if (proven(c)) {
        it.remove();
        effects.remember(c.address());
      }
    }
  }

  private static Close loser() {
    return new Close(CloseReason.DUPLICATE_LINK, "a link dialed by the smaller peer id is kept");
  }

  // ---- queries ----

  public int linkCount() {
    return links.size();
  }

  public boolean linked(PeerId peer) {
    return links.containsKey(peer);
  }

  public List<PeerId> linkedPeers() {
    return new ArrayList<>(links.keySet());
  }

  /** Where the linked peer {@code p} listens, as its connection showed it; null if not linked. */
  PeerAddress addressOf(PeerId p) {
    Conn c = links.get(p);
    return c == null ? null : c.address();
  }

  boolean isPinned(PeerId p) {
    return pinned.contains(p);
  }

  /** Up to {@code n} passive candidates (known, not linked), uniformly at random. */
  List<PeerAddress> passiveSample(int n) {
    return known.sample(n, a -> !links.containsKey(a.peerId()));
  }

  /**
   * Up to {@code n} passive candidates vouched for: what this peer passes on in a shuffle, so that
   * a stranger's word is never relayed as ours, to be dialed after the stranger left.
   */
  List<PeerAddress> vouchedSample(int n) {
    return known.sampleVouched(n, a -> !links.containsKey(a.peerId()));
  }

  /** Unproven hints in the address book. */
  int hintCount() {
    return known.hints();
  }

  MembershipConfig config() {
    return config;
  }

  /** Peers in the address book, linked or not. */
  public int knownCount() {
    return known.size();
  }
}
