package meshchat.peer.room;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import meshchat.peer.clock.LamportClock;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.StoreException;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * One room as one peer sees it: the network-free state machine at the heart of meshchat.
 *
 * <p>Events come in as method calls (a local send, a link up or down, a message from a link, a
 * timer); effects go out through {@link RoomEffects}. It owns the Lamport clock, dedupe, causal
 * hold-back, forwarding and anti-entropy. No Netty, no threads, no wall clock: the one thread that
 * calls it owns all of its state, and time comes from the injected {@link Scheduler}.
 */
public final class Room {
  /**
   * An author signs its chain head after every burst and, within a long burst, at least this often
   * (in messages or text bytes): this bounds how many messages a receiver holds before their head
   * arrives and how far a history batch extends a run to reach a head.
   */
  public static final int HEAD_EVERY_MESSAGES = 256;

  public static final int HEAD_EVERY_BYTES = 64 * 1024;

  /**
   * The request id of a SyncBatch that answers a Graft rather than a SyncRequest (whose ids start
   * at 1): its messages are live ones, late, and are taken and forwarded as such.
   */
  public static final long GRAFT_REPLY = 0;

  private final RoomConfig config;
  private final PeerId self;
  private final MessageStore store;
  private final RoomEffects effects;
  private final Scheduler scheduler;
  private final InstantSource wallClock;
  private final RandomGenerator random;
  private final MessageSigner signer;
  private final LamportClock clock = new LamportClock(0);
  private final CausalBuffer causal;
  private final Admission admission;
  private final Counters counters;
  private final Holdings holdings;
  private final Map<PeerId, LinkState> links = new LinkedHashMap<>();
  // links' values in its order, made again whenever links changes (a link's up or down, seldom):
  // what every message admitted walks twice (forward, oweDigests) and every own message once. A
  // walk of the map read each entry, a cache miss per link in a simulation's cold peer, and made an
  // iterator (45 MB of the 2.8 GB a 100 x 100 simulation allocates; docs/benchmarks.md, session 32)
  private LinkState[] linkArray = new LinkState[0];
  // the link the last message came by, as links held it then (cleared whenever links changes): a
  // burst of frames comes by one link, and a lookup per frame took 2 % of the throughput cell's
  // room threads (docs/benchmarks.md, session 23)
  private PeerId lastFrom;
  private LinkState lastLink;
  private final OwnDelivery own = new OwnDelivery(); // own messages nobody is known to hold
  private final SeenBy seen;
  private final AntiEntropy sync;
  private final PeerExchange exchange;
  private final Broadcast broadcast;
  private final Set<PeerId> forkedOrigins = new HashSet<>();
  private final Outbox outbox;
  private BooleanSupplier reaching = () -> false; // see reaching(...)
  private final OwnChain chain;
  private final Equivocations equivocations;
  private final EarlyLines early = new EarlyLines(); // shown before their head: see showEarly
  private final AuthorQuota quota; // bytes of each other author stored per rolling day
  private final NewAuthors newAuthors; // new authors each source introduces per rolling day
  private long quotaSweptHour; // the hour the quota last forgot its idle authors
  private String nick;
  private long ownSeq;
  private long forwardMarks; // one per forwarded message: see PeerExchange.markNaming
  private long gotten; // new messages got from links, counted: see LinkState.pushedWholeAt
  private LamportTimestamp maxShown;
  private Scheduler.Cancellable syncTimer;
  private Scheduler.Cancellable holdBackTimer; // the room's one: see armHoldBack
  private Set<MessageId> batchMissing; // while a sync batch is admitted: what its held ones lack
  private boolean stopped;
  // For a store whose units of work can roll back (a file): since the last commit the runtime
  // reported, the messages received and stored new with the link each came by, and the messages
  // delivered, in order; what a rollback took is taken back from the room's state (unhold).
  private final boolean tracksUnits;
  private final List<MessageId> storedSinceCommit = new ArrayList<>();
  private final List<PeerId> storedVia = new ArrayList<>();
  private final List<ChatMessage> deliveredSinceCommit = new ArrayList<>();
  private List<MessageId> spareCompleted; // releaseAfter's list, between deliveries
  private LamportTimestamp maxShownAtCommit; // maxShown at the last commit reported
  private int ownLost; // own messages a rollback dropped, not yet reported (storeRolledBack)

  /**
   * A room, counting limits hit (hold-back overflow, ignored digest entries) in {@code counters};
   * {@code signer} signs every message this peer authors before it is stored ({@link
   * MessageSigner#NONE}: unsigned, as in the simulation).
   */
  public Room(
      RoomConfig config,
      PeerId self,
      String nick,
      MessageStore store,
      RoomEffects effects,
      Scheduler scheduler,
      InstantSource wallClock,
      RandomGenerator random,
      Counters counters,
      MessageSigner signer) {
    this.signer = signer;
    this.config = config;
    this.counters = counters;
    this.holdings = new Holdings(store.authorsToShare()); // one author index with the store
    this.causal = new CausalBuffer(config.maxHoldBack(), holdings);
    this.admission = new Admission(scheduler, store, causal);
    this.self = self;
    this.nick = nick;
    this.store = store;
    this.effects = effects;
    this.scheduler = scheduler;
    this.wallClock = wallClock;
    this.random = random;
    this.equivocations = new Equivocations(store, signer);
    this.quota = new AuthorQuota(config.authorQuotaBytes());
    this.newAuthors = new NewAuthors(config.newAuthorsPerSource());
    this.broadcast =
        new Broadcast(
            effects,
            scheduler,
            this::holds,
            this::firstLacking,
            this::answerGraft,
            random,
            holdings.authors(),
            holdings.bytes());
    this.sync =
        new AntiEntropy(
            self,
            config,
            store,
            new ProofsBeforeDisputed(effects),
            scheduler,
            holdings,
            this::acceptBatch,
            counters,
            equivocations,
            broadcast);
    sync.quota(quota);
    sync.heldVia(causal::pendingVia);
    sync.refusedNew(
        (origin, source) -> {
          Set<Object> by = refusedNew.get(origin);
          return by == null || by.contains(source);
        });
    this.exchange = new PeerExchange(config, self, effects, scheduler, random);
    this.outbox = new Outbox(new OutboxHooks(), effects, scheduler);
    this.chain = new OwnChain(self, signer, store);
    this.seen = new SeenBy(self);
    this.tracksUnits = store.outlivesProcess();
  }

  /** Whether we hold {@code id}, or never want it (a disputed message is not grafted). */
  private boolean holds(MessageId id) {
    return holdings.contains(id.origin(), id.seq())
        || equivocations.disputed(id)
        || quota.holdsBack(id.origin(), id.seq()); // over its author's quota: not wanted now
  }

  /** The lowest seq of {@code origin} this peer does not hold. */
  private long firstLacking(PeerId origin) {
    SeqSet s = holdings.get(origin);
    return s == null ? 1 : s.contiguous() + 1;
  }

  /**
   * Resumes the clock, sequence and holdings from the store and starts periodic sync. The first own
   * message then waits for the self-fork check ({@link Outbox}).
   */
  public void start() {
    start(false);
  }

  /**
   * As {@link #start()}; {@code newIdentity} says the peer's key was created just now, so no
   * message of its origin can exist anywhere and its first message need not wait for the self-fork
   * check.
   */
  public void start(boolean newIdentity) {
    MessageStore.Snapshot snap = store.load(self);
    clock.witness(snap.lamport());
    ownSeq = snap.ownSeq();
    chain.resume(ownSeq);
    restoreQuota();
    causal.restore(snap.holdings(), store.latest(config.maxDeps()));
    startedNewcomer = holdsNoOtherAuthor();
    for (int a = 0; a < holdings.authors().size(); a++) {
      sync.grew(a);
    }
    // Stored and held back when the peer stopped: not shown, so they wait again.
    List<ChatMessage> waiting = new ArrayList<>();
    Set<MessageId> waitingIds = new HashSet<>();
    for (MessageId id : store.waiting()) {
      Optional<ChatMessage> m = store.get(id);
      if (m.isPresent()) {
        waiting.add(m.get());
        waitingIds.add(id);
      } else {
        store.markShown(id); // nothing to show
      }
    }
    // What was on screen before the restart still counts: an old message arriving now is late.
    for (ChatMessage m : store.history(waiting.size() + 1)) {
      if (!waitingIds.contains(m.id())) {
        maxShown = m.timestamp(); // oldest first: ends at the newest shown
      }
    }
    for (ChatMessage m : causal.holdAgain(waiting, scheduler.nowMillis())) {
      store.markShown(m.id());
      deliver(m, true, false);
    }
    armHoldBack();
    if (!waiting.isEmpty()) {
      effects.commit();
    }
    scheduleSync();
    outbox.start(newIdentity);
    // started under another nick than our last message carries: the room hears of it as of a /nick
    String last =
        ownSeq == 0
            ? null
            : store.get(new MessageId(self, ownSeq)).map(ChatMessage::nick).orElse(null);
    if (last != null && !last.equals(nick) && !nick.isEmpty()) {
      changeNick(nick);
    }
  }

  /** The author quota's charges of the last day, as the store kept them: a restart frees none. */
  private void restoreQuota() {
    long now = wallClock.millis();
    quotaSweptHour = AuthorQuota.hourAt(now);
    for (MessageStore.Charge c : store.charges(AuthorQuota.hourAt(now) - AuthorQuota.HOURS + 1)) {
      quota.restore(
          c.origin(),
          c.old() ? AuthorQuota.Kind.OLD : AuthorQuota.Kind.RECENT,
          c.hour(),
          c.bytes(),
          now);
    }
  }

  /**
   * Takes {@code m}'s cost from its author's quota, kept by the store too; false, charging nothing,
   * if the quota refuses it (the user is told when its author is newly held). Own messages and a
   * line already charged when it was shown early are not charged.
   */
  private boolean charged(ChatMessage m, LinkState from) {
    return charged(m, from, false);
  }

  /**
   * As {@link #charged(ChatMessage, LinkState)}; {@code storing}: the message is stored next, in
   * the unit of work now open, so its charge is given back if that unit rolls back ({@link
   * #refundUnstored}).
   */
  private boolean charged(ChatMessage m, LinkState from, boolean storing) {
    if (m.origin().equals(self)) {
      return true;
    }
    boolean fresh = false; // a new author, admitted by its source's budget if it is stored
    if (!newAuthors.off()) {
      long now = wallClock.millis();
      SeqSet held = holdings.get(m.origin());
      // (one admitted as new in the open unit or batch, not stored yet, is charged once: rev34,
      // each line of a new member's sync batch was charged as a new author of its source)
      // (nor is one whose lines shown early wait for its head: charged when the first was shown;
      // until session 35 each early line of a new member charged her own source once more)
      boolean isNew =
          (held == null || held.isEmpty())
              && !newUnstored.containsKey(m.origin())
              && (early.isEmpty() || !early.hasLinesOf(m.origin()));
      if (quota.isHeldNew(m.origin())) {
        // held for the sources that were refused it, not for every link: a link of another source
        // decides by its own budget (rev34: a spent relay bringing a newcomer's first line ahead of
        // her silenced her for an hour, even on her own link)
        Set<Object> by = refusedNew.get(m.origin());
        if (!isNew || from.authors == null || by == null || by.contains(from.authors.source())) {
          counters.increment(Counter.NEW_AUTHOR);
          return false;
        }
      }
      if (isNew) {
        if (from.authors == null || !newAuthors.allows(from.authors, m.origin(), now)) {
          counters.increment(Counter.NEW_AUTHOR);
          holdNew(m.origin(), from, now);
          return false;
        }
        if (quota.isHeldNew(m.origin())) {
          quota.unholdNew(m.origin()); // admitted by this link's source: asked for again
          refusedNew.remove(m.origin());
          newUnheld = true;
        }
        fresh = true;
      }
    }
    if (quota.limit() == Long.MAX_VALUE) {
      if (fresh) {
        admittedNew(m.origin(), from, wallClock.millis(), storing);
      }
      return true; // no quota (the simulation, the benchmarks): nothing counted, nothing written
    }
    long now = wallClock.millis();
    boolean wasHeld = quota.isHeld(m.origin());
    long cost = AuthorQuota.cost(m);
    AuthorQuota.Kind kind = AuthorQuota.kind(m.wallTimeMs(), now);
    if (!quota.take(m.origin(), m.seq(), cost, kind, now)) {
      counters.increment(Counter.AUTHOR_QUOTA);
      if (!wasHeld && !stopped) {
        long at = quota.heldAt(m.origin());
        effects.notice(new RoomNotice.OverQuota(m.origin(), at, quota.limit()));
      }
      return false;
    }
    long hour = quota.chargeHour(now);
    store.charge(m.origin(), kind == AuthorQuota.Kind.OLD, hour, cost);
    if (storing && tracksUnits) {
      chargedSinceCommit.add(new Charged(m.id(), kind, hour, cost));
    }
    if (fresh) {
      admittedNew(m.origin(), from, now, storing);
    }
    return true;
  }

  /**
   * Charges {@code from}'s source the new author {@code origin}; {@code storing}: its message is
   * stored next, so the origin is no new author for the rest of the unit or batch, and a unit that
   * rolls back gives the charge back ({@link #refundUnstored}).
   */
  private void admittedNew(PeerId origin, LinkState from, long now, boolean storing) {
    boolean free = from.authors.free(origin);
    newAuthors.admitted(from.authors, origin, now);
    if (storing && newUnstored.size() < MAX_NEW_UNSTORED) {
      // its free names go once the unit that stores it commits: a unit that rolls back leaves the
      // refetch free (until session 35 they went now, and the refetch was charged to the source)
      newUnstored.put(origin, free ? FREE : from.authors);
    } else {
      newAuthors.stored(origin);
    }
  }

  /** The origins admitted as new in the unit now ended are stored: their free names go. */
  private void newStored() {
    for (PeerId origin : newUnstored.keySet()) {
      newAuthors.stored(origin);
    }
    newUnstored.clear();
  }

  /** Most origins admitted as new and not committed yet that are kept (a unit's worth). */
  static final int MAX_NEW_UNSTORED = 1 << 16;

  private static final Object FREE = new Object(); // a new origin its link brought free

  // the origins admitted as new authors since the last commit (a store that can roll back) or in
  // the batch being taken, each with the link whose source (and network) was charged for it, or
  // FREE: later lines of the origin are not
  // new, and a unit that rolls back before storing it gives its source the charge back (rev34: each
  // line of one new member in a sync batch, and each full-disk retry of it, cost a new author)
  private final Map<PeerId, Object> newUnstored = new HashMap<>();

  /**
   * Holds the new origin {@code from}'s source was refused, for an hour, for that source: its links
   * are not asked again meanwhile; links of other sources are (decided then by their own source's
   * budget), and a link of another source that brings it ends the hold if its budget admits it.
   */
  private void holdNew(PeerId origin, LinkState from, long now) {
    Object source = from.authors == null ? null : from.authors.source();
    Set<Object> by = refusedNew.get(origin);
    if (by != null && quota.isHeldNew(origin)) {
      if (source != null && by.size() < MAX_REFUSED_SOURCES) {
        by.add(source); // the hour stays the first refusal's
      } // else that source is asked its budget each time it brings it (nothing charged)
      return;
    }
    if (quota.heldNewCount() < MAX_HELD_NEW) {
      quota.holdNew(origin, now, NewAuthors.RETRY_MS);
      by = new HashSet<>();
      if (source != null) {
        by.add(source);
      }
      refusedNew.put(origin, by);
      newUnheld = true; // the links of other sources that name it are asked for it next round
    } // else refused each time it comes, and asked for as anything lacking (bounded there)
  }

  /** Most sources kept per held new origin as having refused it. */
  static final int MAX_REFUSED_SOURCES = 16;

  // each new origin held (AuthorQuota.holdNew), with the sources that were refused it
  private final Map<PeerId, Set<Object>> refusedNew = new HashMap<>();
  // a held new origin was admitted by another source (ask for its rest), or newly held (ask other
  // sources' links for it)
  private boolean newUnheld;

  /** Most new authors held back at once (each an hour): past it, one is refused each time. */
  static final int MAX_HELD_NEW = 4_096;

  /**
   * Whether a link coming up now is a newcomer's link ({@link NewAuthors#link}: its digests name
   * authors free in its first minute). A peer is a newcomer while it stores no other author's
   * message, and, if it started so, until its first catch-up round ended whole ({@link
   * AntiEntropy#endedWhole}: heard complete from two networks), for at most {@link
   * #MAX_NEWCOMER_LINKS} links after the first other author was stored, at most {@link
   * #MAX_NEWCOMER_LINKS_PER_SOURCE} of each network (an IPv6 /48, an IPv4 address: by source until
   * session 37, and two /64s of one /48 ended the period as two strangers, rev37 FINDING-2). Until
   * session 35 only the links up before the first other author was stored were: a newcomer whose
   * first link dropped mid catch-up, or whose first link was another newcomer who had said a line,
   * caught up the rest of the room charged to its hub's source, 64 authors a day (rev35 FINDING-1,
   * NewcomerCatchUpInterruptedTest). Until session 36 one link's round of one author ended it, and
   * one address's 16 quick reconnects spent the links (rev36 FINDING-1).
   */
  private boolean newcomerLink(Object network) {
    if (holdsNoOtherAuthor()) {
      return true;
    }
    if (!startedNewcomer || sync.endedWhole() || newcomerLinks >= MAX_NEWCOMER_LINKS) {
      return false;
    }
    int ofNetwork = newcomerLinksOf.getOrDefault(network, 0); // at most MAX_NEWCOMER_LINKS entries
    if (ofNetwork >= MAX_NEWCOMER_LINKS_PER_SOURCE) {
      return false;
    }
    newcomerLinksOf.put(network, ofNetwork + 1);
    newcomerLinks++;
    return true;
  }

  /**
   * Most links that come up as a newcomer's after the first other author was stored, before its
   * first catch-up round ended whole: each names at most {@link NewAuthors#MAX_NAMED} authors free,
   * so a link that keeps the round from ending whole cannot keep every later link naming for free.
   */
  static final int MAX_NEWCOMER_LINKS = 16;

  /**
   * Most of those of one network (IPv4 address or IPv6 /48): a link that drops mid catch-up comes
   * back free once, and one network reconnecting cannot spend the others' (eight networks are
   * needed).
   */
  static final int MAX_NEWCOMER_LINKS_PER_SOURCE = 2;

  private boolean startedNewcomer; // it stored no other author's message when it started
  private int newcomerLinks; // links up as a newcomer's while it stored other authors
  private final Map<Object, Integer> newcomerLinksOf = new HashMap<>(); // those, by network

  /** Links that came up as a newcomer's while it stored other authors (tests). */
  int newcomerLinks() {
    return newcomerLinks;
  }

  /** Origins named free by newcomer's links and not stored yet ({@link NewAuthors}; tests). */
  int freeNamesHeld() {
    return newAuthors.namedHeld();
  }

  /** Of those, the ones the links of {@code source} name (tests). */
  int freeNamesOf(Object source) {
    return newAuthors.namedBy(source);
  }

  /** Whether this peer stores no message of any author but itself (a newcomer). */
  private boolean holdsNoOtherAuthor() {
    SeqSet own = holdings.get(self);
    return holdings.count() == (own == null ? 0 : own.count());
  }

  /** An author-quota charge of a message stored in the open unit of work. */
  private record Charged(MessageId id, AuthorQuota.Kind kind, long hour, long cost) {}

  // the charges of the messages stored since the last commit (a store that can roll back): a
  // unit that rolls back gives back those of the messages it took, or each copy fetched again was
  // charged once more and a disk that stays full held honest authors as flooders (rev33)
  private final List<Charged> chargedSinceCommit = new ArrayList<>();

  /** Gives back the charges of the messages stored since the last commit and no longer held. */
  private void refundUnstored() {
    if (!newUnstored.isEmpty()) {
      newUnstored
          .entrySet()
          .removeIf(
              e -> {
                SeqSet h = holdings.get(e.getKey());
                if (h != null && !h.isEmpty()) {
                  return false; // stored: charged once, rightly
                }
                if (e.getValue() instanceof NewAuthors.Link charged) {
                  newAuthors.refund(charged);
                }
                return true;
              });
    }
    if (chargedSinceCommit.isEmpty()) {
      return;
    }
    long now = wallClock.millis();
    chargedSinceCommit.removeIf(
        c -> {
          if (holdings.contains(c.id().origin(), c.id().seq())) {
            return false;
          }
          quota.refund(c.id().origin(), c.kind(), c.hour(), c.cost(), now);
          return true;
        });
  }

  /** Authors over their quota here, each with the seq from which nothing of it is stored. */
  public Map<PeerId, Long> overQuota() {
    return quota.held();
  }

  /**
   * Once per sync round: has the store write the round's charges, ends the holds whose day's window
   * has room again (their later messages are asked for again), and once an hour forgets the quota
   * of authors idle for a day.
   */
  private void quotaRound() {
    long clockNow = wallClock.millis();
    quota.clockRead(clockNow); // their times follow the clock back within a round (rev34)
    if (!newAuthors.off()) {
      newAuthors.clockRead(clockNow);
    }
    boolean ask = newUnheld;
    newUnheld = false;
    if (!newAuthors.off() && quota.heldNewCount() > 0) {
      List<PeerId> released = quota.releaseNew(clockNow);
      for (PeerId o : released) {
        refusedNew.remove(o);
      }
      ask |= !released.isEmpty();
    }
    if (ask) {
      sync.requestMissingFromAll(); // decided again by the link that brings them
    }
    if (quota.limit() == Long.MAX_VALUE) {
      return;
    }
    store.saveCharges(); // a crash forgets at most a round's charges
    long now = wallClock.millis();
    if (quota.anyHeld() && !quota.release(now).isEmpty()) {
      sync.requestMissingFromAll();
    }
    long hour = AuthorQuota.hourAt(now);
    if (hour != quotaSweptHour) {
      quotaSweptHour = hour;
      quota.sweep(now);
    }
  }

  public void stop() {
    flushHead(); // a head the runtime held back covers what the links got, before they close
    stopped = true;
    if (syncTimer != null) {
      syncTimer.cancel();
    }
    exchange.stop();
    outbox.stop();
    sync.stop();
    for (LinkState l : List.copyOf(links.values())) {
      // what changed since the last digest, as a parting receipt: a peer still waiting to know
      // that its latest messages arrived (a script lingering at EOF) learns it from us now
      sync.sendDigest(l.sync, false);
      effects.closeLink(l.id(), new Close(CloseReason.LEAVING, "leaving"));
    }
  }

  // ---- local events ----

  /**
   * Sends {@code text} as this peer. The message is stamped and staged in the store (with the clock
   * and seq) and the runtime is asked to commit ({@link RoomEffects#commit}); once it reports the
   * commit done ({@link #durable}) the message is shown, then sent to every link. With no links it
   * waits in the store and spreads by anti-entropy when a peer appears. Right after a start the
   * message may first wait for the self-fork check ({@link Outbox}): then this returns null and the
   * message is authored, in typing order, when the check ends.
   *
   * @throws IllegalArgumentException if the text is longer than {@link RoomConfig#maxTextBytes}
   */
  public ChatMessage send(String text) {
    return send(text, m -> {});
  }

  /** As {@link #send(String)}; {@code authored} hears the message when it is authored. */
  public ChatMessage send(String text, Consumer<ChatMessage> authored) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.maxTextBytes()) {
      throw new IllegalArgumentException(
          "message of " + bytes + " bytes is over the limit of " + config.maxTextBytes());
    }
    return author(text, ChatMessage.Kind.TEXT, authored);
  }

  /**
   * Hands a line or a nick change to the outbox. One held by the self-fork guard is authored later,
   * so receipts start when it is, not now.
   */
  private ChatMessage author(String body, ChatMessage.Kind kind, Consumer<ChatMessage> authored) {
    return outbox.submit(
        body,
        kind,
        m -> {
          own.sent(m.seq());
          authored.accept(m);
        });
  }

  /**
   * The runtime's report that the commit asked for by {@link RoomEffects#commit} is done: every own
   * message staged before it is durable, so now it is shown and sent.
   */
  public void durable() {
    durable(true);
  }

  /**
   * As {@link #durable()}; with {@code signNow} false the burst's messages are shown and sent but
   * their head waits for {@link #signHead} (or the next long-burst bound), so a runtime under load
   * can cover several bursts with one signature (docs/protocol.md, "Hash chain"). Receivers hold
   * the messages until that head arrives, so the runtime must call {@link #signHead} soon.
   */
  public void durable(boolean signNow) {
    unitCommitted();
    outbox.durable();
    if (signNow) {
      flushHead(); // one signature for the burst, sent after its messages
    }
  }

  /**
   * Signs the head over the newest own message published without one and sends it after them; false
   * if every published message is covered already.
   */
  public boolean signHead() {
    return flushHead();
  }

  /**
   * The runtime's report that the commit asked for is done but its fsync is not (it runs off the
   * room thread): the own messages staged before it are set aside under the returned number, or 0
   * if there were none. They are shown and sent by {@link #durable(long, boolean)} with that
   * number, once the fsync is done; the room goes on meanwhile (other peers' messages are
   * delivered, new lines are staged for the next commit).
   */
  public long committed() {
    unitCommitted();
    return outbox.committed();
  }

  /**
   * The fsync after the commits numbered up to {@code commit} by {@link #committed} is done: their
   * own messages are shown and sent, in order; {@code signNow} as in {@link #durable(boolean)}.
   */
  public void durable(long commit, boolean signNow) {
    outbox.durableThrough(commit);
    if (signNow) {
      flushHead();
    }
  }

  /**
   * The fsync after the commits up to {@code commit} failed: their own messages are in the store
   * but may not survive a power cut, so they are neither shown nor sent now (a restart finds them,
   * as after a crash between commit and display, and the room gets them by anti-entropy). Returns
   * how many.
   */
  public int syncFailed(long commit) {
    return outbox.syncFailedThrough(commit).size();
  }

  /**
   * Whether own messages are staged or committed and not yet shown and sent (their fsync still to
   * come): they are published soon, and a head signed now would leave them to another one.
   */
  public boolean ownInFlight() {
    return outbox.inFlight();
  }

  /** Whether own messages were shown and sent that no signed head covers yet. */
  public boolean headPending() {
    return chain.unsigned();
  }

  /**
   * The runtime's report that the commit asked for failed and its unit of work was rolled back (a
   * full disk, an I/O error): the own messages staged since the last commit were neither shown nor
   * sent, so they are dropped and their seqs are free again. Returns how many.
   */
  public int commitFailed() {
    unhold(); // what the rolled-back unit stored of others is held no more, and fetched again
    int n = dropStagedOwn() + ownLost;
    ownLost = 0;
    return n;
  }

  /** Drops the own messages staged since the last commit; their seqs are free again. */
  private int dropStagedOwn() {
    List<ChatMessage> dropped = outbox.commitFailed();
    if (!dropped.isEmpty() && ownSeq == dropped.get(dropped.size() - 1).seq()) {
      ownSeq = dropped.get(0).seq() - 1; // nothing moved it since: nobody saw those seqs
      chain.dropped(dropped.get(0));
    }
    return dropped.size();
  }

  /**
   * The runtime's report that the store rolled back a unit of work outside a commit the room asked
   * for (a write of a timer's, a head's): what it took is taken back, as after a failed write the
   * room met itself. Returns how many own staged messages were dropped with it since last asked
   * (never shown, never sent), for the runtime to tell.
   */
  public int storeRolledBack() {
    unhold();
    int n = ownLost;
    ownLost = 0;
    return n;
  }

  /** A write ended, on a store with no units of work: what it admitted as new is stored now. */
  private void endUnitless() {
    if (!tracksUnits && !newUnstored.isEmpty()) {
      newStored();
    }
  }

  /** A commit covering everything stored and delivered so far was reported done. */
  private void unitCommitted() {
    if (tracksUnits) {
      chargedSinceCommit.clear();
      newStored();
      storedSinceCommit.clear();
      storedVia.clear();
      deliveredSinceCommit.clear();
      maxShownAtCommit = maxShown;
    }
  }

  /**
   * The store rolled back a unit of work (a failed write or commit: a full disk), and with it the
   * rows {@link MessageStore#takeRolledBack} names. The room takes back what it made of them: they
   * are no longer held (holdings, the delivered prefix, the hold-back, the digests' snapshots), the
   * messages delivered since the last commit that depend on one of them wait again (stored still,
   * but not shown before what they follow), the runtime is told not to show any of those delivered
   * in this burst ({@link RoomEffects#undeliver}), and the link each came by is asked for them
   * again by the periodic round, so that once the store takes rows again they come back in this
   * session, shown once, in order. Own lines staged in that unit are dropped, as by a failed
   * commit.
   */
  private void unhold() {
    unholdRows();
    refundUnstored(); // what the unit took, and a failed batch's messages, never stored
  }

  private void unholdRows() {
    List<MessageId> gone = store.takeRolledBack();
    if (gone.isEmpty()) {
      return;
    }
    boolean ownGone = false;
    Set<MessageId> out = new HashSet<>(); // no longer delivered: gone, or waiting again
    Map<PeerId, SeqSet> goneOf = new LinkedHashMap<>();
    for (MessageId id : gone) {
      if (!holdings.contains(id.origin(), id.seq())) {
        ownGone |= id.origin().equals(self); // an own line staged, not yet held: dropped below
        continue;
      }
      out.add(id);
      goneOf.computeIfAbsent(id.origin(), o -> new SeqSet()).add(id.seq());
    }
    List<ChatMessage> again = new ArrayList<>();
    List<MessageId> unshown = new ArrayList<>();
    Set<MessageId> wasDelivered = new HashSet<>();
    for (ChatMessage m : deliveredSinceCommit) { // in delivery order: causes before effects
      if (out.contains(m.id())) {
        unshown.add(m.id());
        wasDelivered.add(m.id());
      } else if (dependsOn(m, out)) {
        out.add(m.id());
        again.add(m);
        unshown.add(m.id());
      }
    }
    Map<MessageId, PeerId> via = new HashMap<>();
    for (int i = 0; i < storedSinceCommit.size(); i++) {
      via.put(storedSinceCommit.get(i), storedVia.get(i));
    }
    for (Map.Entry<PeerId, SeqSet> e : goneOf.entrySet()) {
      PeerId origin = e.getKey();
      int a = holdings.remove(origin, e.getValue());
      sync.unheld(a);
      Map<PeerId, SeqSet> byLink = new LinkedHashMap<>();
      for (SeqRange r : e.getValue().ranges()) {
        for (long seq = r.first(); seq <= r.last(); seq++) {
          MessageId id = new MessageId(origin, seq);
          causal.unstored(id);
          PeerId from = via.get(id);
          if (from != null && links.containsKey(from)) {
            byLink.computeIfAbsent(from, p -> new SeqSet()).add(seq);
          } else {
            for (PeerId p :
                links.keySet()) { // whoever might hold it: an ask that brings nothing backs off
              byLink.computeIfAbsent(p, k -> new SeqSet()).add(seq);
            }
          }
        }
      }
      byLink.forEach((p, seqs) -> sync.theyHold(links.get(p).sync, origin, seqs));
      if (!origin.equals(self)) {
        for (int i = 0; i < e.getValue().count(); i++) {
          counters.increment(Counter.RECEIVED_NOT_STORED);
        }
      }
    }
    for (ChatMessage m : again) {
      causal.undeliver(m.id());
    }
    admission.forgetDelivered();
    long now = scheduler.nowMillis();
    for (ChatMessage m : again) { // stored, not shown: each waits for what it follows, again
      Set<MessageId> missing = new HashSet<>(causal.missingFor(m));
      if (missing.isEmpty()) {
        missing = dependencies(m, out); // (what it follows is held again, ahead of it)
      }
      causal.hold(m, true, missing, via.get(m.id()), false, now, false);
    }
    for (ChatMessage m : deliveredSinceCommit) { // what they named is a tip again
      if (wasDelivered.contains(m.id()) || again.contains(m)) {
        if (m.seq() > 1) {
          causal.tipAgain(new MessageId(m.origin(), m.seq() - 1));
        }
        m.deps().forEach(causal::tipAgain);
      }
    }
    if (!unshown.isEmpty()) {
      maxShown = maxShownAtCommit;
      Set<MessageId> gonePast = new HashSet<>(unshown);
      for (ChatMessage m : deliveredSinceCommit) {
        if (!gonePast.contains(m.id())
            && (maxShown == null || m.timestamp().compareTo(maxShown) > 0)) {
          maxShown = m.timestamp();
        }
      }
    }
    armHoldBack();
    if (ownGone) {
      ownLost += dropStagedOwn();
    }
    storedSinceCommit.clear();
    storedVia.clear();
    deliveredSinceCommit.clear(); // the rest stays delivered: its rows were committed before
    maxShownAtCommit = maxShown;
    for (MessageId id : unshown) {
      effects.undeliver(id);
    }
  }

  /** Whether {@code m} follows (its author's previous message, or a dep) one of {@code ids}. */
  private static boolean dependsOn(ChatMessage m, Set<MessageId> ids) {
    if (m.seq() > 1 && ids.contains(new MessageId(m.origin(), m.seq() - 1))) {
      return true;
    }
    for (MessageId d : m.deps()) {
      if (ids.contains(d)) {
        return true;
      }
    }
    return false;
  }

  /** Of {@code m}'s author's previous message and deps, those in {@code ids}. */
  private static Set<MessageId> dependencies(ChatMessage m, Set<MessageId> ids) {
    Set<MessageId> out = new HashSet<>();
    if (m.seq() > 1 && ids.contains(new MessageId(m.origin(), m.seq() - 1))) {
      out.add(new MessageId(m.origin(), m.seq() - 1));
    }
    for (MessageId d : m.deps()) {
      if (ids.contains(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Discovery found nobody to link to (no cached peer, and the tracker named no other member or
   * could not be reached): the peer is offline, so its first message need not wait for the offline
   * grace of the self-fork check.
   */
  public void nobodyToAsk() {
    outbox.nobodyToAsk();
  }

  /**
   * Tells the self-fork check how to see that the peer is still reaching for a neighbour (a dial
   * under way, discovery not answered yet): while it is, the end of the offline grace does not make
   * the peer offline (see {@code Outbox}). Unset, a peer with no link when the grace ends is
   * offline.
   */
  public void reaching(BooleanSupplier reaching) {
    this.reaching = reaching;
  }

  private final class OutboxHooks implements Outbox.Hooks {
    @Override
    public ChatMessage author(String text, ChatMessage.Kind kind) {
      long lamport = clock.tick();
      MessageId id = new MessageId(self, ownSeq + 1);
      // what own messages still waiting for their fsync named is implied by the chain already
      List<MessageId> deps = causal.frontier(config.maxDeps(), outbox.namedBySyncing());
      long wall = wallClock.millis();
      ChatMessage m;
      if (kind == ChatMessage.Kind.NICK) {
        nick = text; // lines typed before the change keep the nick they were typed under
        m = chain.link(ChatMessage.nickChange(id, lamport, wall, nick, deps));
      } else {
        m = chain.link(new ChatMessage(id, lamport, wall, nick, text, deps));
      }
      try {
        store.appendOwn(m, lamport);
      } catch (StoreException e) {
        // the unit of work rolled back: what it stored is taken back, the own lines staged in it
        // dropped (the chain resumes below the first), and this one never was
        counters.increment(Counter.STORE_FAILED);
        int lostBefore = ownLost;
        unhold();
        if (ownLost == lostBefore) {
          chain.dropped(m); // nothing staged went with it: the chain resumes below this one
        }
        effects.storeFailed(e);
        throw e;
      }
      ownSeq = id.seq();
      return m;
    }

    @Override
    public void publish(List<ChatMessage> burst) {
      exchange.announcePending(); // our links before the messages: see the forwarding rule
      for (ChatMessage m : burst) {
        sync.grew(holdings.add(self, m.seq()));
        deliver(m, false, false);
        Chat chat = new Chat(m); // one object for every link: the runtime encodes it once
        boolean chained = m.isChained(); // an unchained message gets no head to follow it
        for (LinkState l : linkArray) {
          broadcast.pushOwn(l.id(), chat);
          if (chained) {
            l.oweHead(self);
          }
        }
        if (chain.published(m, m.text().getBytes(StandardCharsets.UTF_8).length)) {
          flushHead(); // a long burst: receivers need not hold all of it unauthenticated
        }
      }
      // "seen by" once per burst, for its latest messages: worked out per message, every watched
      // message's count was asked again for each (1.5 % of the throughput cell's room threads,
      // docs/benchmarks.md, session 29), and a burst's older lines leave the watch unseen anyway
      seen.sent(burst);
      tellSeen();
    }

    @Override
    public boolean linked() {
      return !links.isEmpty();
    }

    @Override
    public boolean reaching() {
      return reaching.getAsBoolean();
    }

    @Override
    public SeqSet ownHeld() {
      SeqSet s = holdings.get(self);
      return s == null ? new SeqSet() : s;
    }
  }

  /**
   * Ends a burst of own messages: signs the chain head over the newest published one and sends it
   * after them, on every link that got them in full. A burst costs one signature however many
   * messages it holds; receivers accept the messages once the head arrives.
   */
  private boolean flushHead() {
    ChainHead head = chain.sign();
    if (head != null) {
      relayHead(head, self);
    }
    return head != null;
  }

  /**
   * Sends {@code head} on every link owed one of {@code origin} (see {@link LinkState#oweHead}).
   */
  private void relayHead(ChainHead head, PeerId origin) {
    LinkMessage.Head frame = null;
    for (LinkState l : links.values()) {
      if (l.takeHeadOwed(origin)) {
        if (frame == null) {
          frame = new LinkMessage.Head(head);
        }
        effects.send(l.id(), frame);
      }
    }
  }

  /**
   * Changes this peer's nick, announced to the room as a NICK event in this peer's hash chain: it
   * is authored, stored, shown and sent like a line and in typing order with the lines, so every
   * peer shows the same nick history in the same order and nobody else can write it. Lines authored
   * before it keep the old nick. Returns the event, or null if the self-fork check holds it (as
   * {@link #send}).
   *
   * @throws IllegalArgumentException if the nick is empty or longer than the wire allows
   */
  public ChatMessage changeNick(String newNick) {
    return changeNick(newNick, m -> {});
  }

  /** As {@link #changeNick(String)}; {@code authored} hears the event when it is authored. */
  public ChatMessage changeNick(String newNick, Consumer<ChatMessage> authored) {
    int bytes = newNick.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_NICK_BYTES) {
      throw new IllegalArgumentException("a nick is 1.." + MAX_NICK_BYTES + " bytes: " + bytes);
    }
    return author(newNick, ChatMessage.Kind.NICK, authored);
  }

  /** The longest nick in UTF-8 bytes, as the frame codec bounds it. */
  public static final int MAX_NICK_BYTES = WireBounds.MAX_NICK_BYTES;

  // ---- link events ----

  /**
   * A link finished its handshake. {@code lamport} is the peer's clock from its Hello. The link is
   * its own source: {@link #linkUp(PeerAddress, long, String)} when the link layer knows where it
   * came from.
   */
  public void linkUp(PeerAddress peer, long lamport) {
    linkUp(peer, lamport, null);
  }

  /**
   * A link finished its handshake, from {@code source} (its far end's IPv4 address or IPv6 /64, as
   * the link layer counts it; null: the link is a source of its own). Links of one source share the
   * history a room answers once (keys cost nothing; docs/security.md, rev31 FINDING-4).
   */
  public void linkUp(PeerAddress peer, long lamport, String source) {
    linkUp(peer, lamport, source, source);
  }

  /**
   * As {@link #linkUp(PeerAddress, long, String)}, from {@code source} in {@code network} (an
   * opaque key, e.g. the IPv6 /48 of a /64; null: the source is a network of its own): a network's
   * sources share a few sources' budgets of new authors ({@link NewAuthors}, rev36 FINDING-4).
   */
  public void linkUp(PeerAddress peer, long lamport, String source, String network) {
    long taken = admission.helloClock(clock.time(), lamport);
    if (taken < lamport) {
      counters.increment(Counter.HELLO_CLOCK_CLAMPED);
    }
    clock.witness(taken);
    Object src = source == null ? peer.peerId() : source;
    Object net = network == null ? src : network;
    LinkState l =
        new LinkState(
            peer,
            sync.linkUp(peer.peerId(), src, net),
            exchange.register(peer),
            broadcast.linkUp(peer.peerId()));
    if (!newAuthors.off()) {
      l.authors = newAuthors.link(src, net, wallClock.millis(), newcomerLink(net));
    }
    links.put(peer.peerId(), l);
    linkArray = links.values().toArray(new LinkState[0]);
    lastFrom = null;
    tellSeen();
    sync.sendDigest(l.sync, true);
    // no proofs at link-up: a proof goes to a new link once its digest names the proof's author
    // (offerNamedProofs), so a newcomer that holds an author's messages freezes the same seqs, and
    // one that holds none is not sent proofs about it (rev29: a stranger's 2 MiB to every link;
    // rev31: 18 keys that wrote a line each and were proven made every link-up 16 MB of proofs)
    exchange.linkUp(l.exchange);
  }

  public void linkDown(PeerId peer) {
    LinkState l = links.remove(peer);
    linkArray = links.values().toArray(new LinkState[0]);
    lastFrom = null;
    if (l != null) {
      if (l.authors != null) {
        l.authors.closed(); // its free names not stored yet go (NewAuthors.MAX_NAMED_TOTAL)
      }
      boolean asked = sync.linkDown(l.sync);
      broadcast.linkDown(peer);
      tellSeen();
      equivocations.linkDown(peer);
      exchange.linkDown(l.exchange);
      waiting.linkDown(peer); // their signed copies come by the usual path, or none
      if (!early.isEmpty()) {
        tellUnsigned(peer, early.linkDown(peer, scheduler.nowMillis(), this::stored));
        if (early.orphaned(peer)) {
          scheduler.schedule(
              EarlyLines.GRACE_MS,
              () -> tellUnsigned(peer, early.unsigned(peer, scheduler.nowMillis(), this::stored)));
        }
      }
      if (asked) {
        sync.requestMissingFromAll();
      }
      sync.roundMaybeOver(); // what this link was bringing ends the round if nobody else is
    }
  }

  /** A message arrived on the link to {@code from}. */
  public void receive(PeerId from, LinkMessage message) {
    LinkState l;
    if (from == lastFrom) {
      l = lastLink;
    } else {
      l = links.get(from);
      lastFrom = from;
      lastLink = l;
    }
    if (l == null || stopped) {
      return; // the link went down while this was queued
    }
    try {
      dispatch(l, message);
      if (waiting.wakes()) {
        retryWaiting(); // this showed what a line waiting to be shown early lacked
      }
    } catch (StoreException e) {
      storeFailed(e); // our own disk, not the peer: the link stays up, unblamed
    } catch (RuntimeException e) {
      // A bug, but one peer's frame must never stop the room: drop that link, keep the rest.
      // The peer is told which of its frames, never our exception's text (class names, state:
      // our internals); the user's notice (the local log) keeps the detail.
      counters.increment(Counter.INTERNAL_ERROR);
      String kind = message.getClass().getSimpleName();
      effects.notice(
          new RoomNotice.BadInput(
              l.id(),
              "could not handle "
                  + kind
                  + " ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + ")"));
      effects.closeLink(l.id(), new Close(CloseReason.PROTOCOL_ERROR, internalError(kind)));
    }
  }

  /**
   * Our own store failed while the room handled an event (a full disk: its unit of work rolled
   * back). Counted and handed to the runtime, which tells the user; no link is closed or blamed.
   */
  private void storeFailed(StoreException e) {
    counters.increment(Counter.STORE_FAILED);
    unhold();
    effects.storeFailed(e);
  }

  /**
   * As {@link #storeFailed(StoreException)}, for a write of {@code failed}, which {@code from}
   * sent: they were not stored either, and that link holds them, so it is asked for them again.
   */
  private void storeFailed(StoreException e, List<ChatMessage> failed, LinkState from) {
    storeFailed(e);
    Map<PeerId, SeqSet> of = new LinkedHashMap<>();
    for (ChatMessage m : failed) {
      if (!holdings.contains(m.origin(), m.seq())) {
        of.computeIfAbsent(m.origin(), o -> new SeqSet()).add(m.seq());
      }
    }
    if (from != null) {
      of.forEach((origin, seqs) -> sync.theyHold(from.sync, origin, seqs));
    }
  }

  private void dispatch(LinkState l, LinkMessage message) {
    // The three kinds of nearly every frame, by exact class (they are records, so final), the rest
    // in a method of their own. An instanceof is compiled by C2 to a guess of the class its profile
    // saw there, and a frame of another kind (a digest, a ping) arriving later threw the compiled
    // room away and compiled it again, inside the throughput cell's measured burst
    // (docs/benchmarks.md, session 34); a class compared is no guess.
    Class<?> kind = message.getClass();
    if (kind == Chat.class) {
      accept(((Chat) message).message(), l, false);
    } else if (kind == LinkMessage.Unsigned.class) {
      showEarly(((LinkMessage.Unsigned) message).message(), l);
    } else if (kind == LinkMessage.Head.class) {
      onHead((LinkMessage.Head) message, l);
    } else {
      dispatchRare(l, message);
    }
  }

  /** {@link #dispatch}'s other kinds: one branch per message type, each one call. */
  private void dispatchRare(LinkState l, LinkMessage message) {
    PeerId from = l.id();
    // Java 17 has no pattern switch
    if (message instanceof LinkMessage.Equivocated e) {
      onProof(e.proof(), l);
    } else if (message instanceof LinkMessage.Digest d) {
      if (!sync.onDigest(l.sync, d)) {
        refuse(l, CloseReason.INVALID_MESSAGE, "a digest names an origin twice");
        return;
      }
      long now = l.authors == null ? 0 : wallClock.millis();
      if (l.authors != null && l.authors.naming(now)) {
        for (LinkMessage.DigestEntry e : d.entries()) {
          SeqSet held = holdings.get(e.origin());
          if (held == null || held.isEmpty()) { // a name of an author stored already is not kept
            l.authors.named(e.origin(), now); // a newcomer's first links name the room's authors
          }
        }
      }
      if (equivocations.any()) {
        offerNamedProofs(l, d);
      }
      if (d.complete()) {
        outbox.onCompleteDigest(sync.ownHeldBy(l.sync));
      }
      noteHeld(l);
      tellSeen();
    } else if (message instanceof LinkMessage.SyncRequest r) {
      sync.onRequest(l.sync, r);
    } else if (message instanceof LinkMessage.SyncBatch b && b.requestId() == GRAFT_REPLY) {
      onGraftReply(l, b);
    } else if (message instanceof LinkMessage.SyncBatch b) {
      sync.onBatch(l.sync, b);
    } else if (message instanceof LinkMessage.PeerList p) {
      if (exchange.onPeerList(l.exchange, p)) {
        sync.owe(l.sync); // what we took it to hold from an author's pushes may not have come
      }
    } else if (message instanceof LinkMessage.IHave h) {
      broadcast.onIHave(from, h);
    } else if (message instanceof LinkMessage.Graft g) {
      broadcast.onGraft(from, g);
    } else if (message instanceof LinkMessage.Prune p) {
      broadcast.onPrune(from, p);
    } else if (message instanceof LinkMessage.Ping p) {
      effects.send(from, new LinkMessage.Pong(p.nonce()));
    } else if (message instanceof LinkMessage.Hello
        || message instanceof LinkMessage.HelloProof
        || message instanceof LinkMessage.RoomPake) {
      refuse(l, "a handshake frame on an open link");
    }
    // Pong: liveness belongs to the link layer. Close: the link layer closes; linkDown follows.
  }

  /** Own messages that {@code l}'s digests now list are delivered: told once, naming {@code l}. */
  private void noteHeld(LinkState l) {
    SeqSet theirs = sync.ownHeldBy(l.sync);
    if (theirs != null && own.pendingCount() > 0) {
      for (long seq : own.heldIn(theirs)) {
        effects.notice(new RoomNotice.Held(new MessageId(self, seq), l.id()));
      }
    }
  }

  /** Tells each latest own message whose "seen by k of n" changed. */
  private void tellSeen() {
    for (RoomNotice.Seen s : seen.changes(sync.ownHeldByLinks())) {
      effects.notice(s);
    }
  }

  /** The Close reason of a frame we failed to handle: its kind and nothing of our failure. */
  static String internalError(String kind) {
    return "could not handle " + kind + " (internal error)";
  }

  private void refuse(LinkState l, String why) {
    refuse(l, CloseReason.PROTOCOL_ERROR, why);
  }

  private void refuse(LinkState l, CloseReason reason, String why) {
    effects.notice(new RoomNotice.BadInput(l.id(), why));
    effects.closeLink(l.id(), new Close(reason, why));
  }

  // ---- receiving a message, live or by sync ----

  /**
   * A head that authenticated messages just received (the frame layer passes it after them): kept
   * for history we serve, and forwarded after the messages we forwarded, so the next hop can
   * authenticate them too.
   */
  private void onHead(LinkMessage.Head h, LinkState from) {
    if (!early.isEmpty() && h.head().origin().equals(from.id())) {
      early.signed(from.id(), h.head().seq(), causal::isHeld);
    }
    if (!waiting.isEmpty() && h.head().origin().equals(from.id())) {
      waiting.signed(from.id(), h.head().seq()); // they came signed, just before their head
    }
    Optional<Equivocation> proof = equivocations.onHead(from.id(), h.head());
    store.putHead(h.head());
    relayHead(h.head(), h.head().origin());
    proof.ifPresent(e -> onProof(e, null));
  }

  /**
   * A proof that an author equivocated, found here or received (the frame layer checked its
   * signatures and hashes): if it is new or lowers the seq the author's history is frozen at, it is
   * told to the user and passed on to every link, so the whole room freezes at the same seq.
   */
  private void onProof(Equivocation e, LinkState from) {
    if (!equivocations.lowers(e)) {
      if (from != null) {
        equivocations.has(from.id(), e.origin(), e.seq());
        offerProof(from, equivocations.proof(e.origin())); // ours is lower: it converges on ours
      }
      return;
    }
    boolean stranger = holdings.get(e.origin()) == null;
    if (equivocations.overBudget(e, stranger)) {
      // a room author's proof may push out weaker ones (rev31: 256 keys that wrote one line each
      // kept every later proof out): strangers' proofs never push anything out
      List<PeerId> weaker = stranger ? null : equivocations.weakerThan(e, this::proofRank);
      if (weaker == null) {
        counters.increment(Counter.PROOF_BUDGET);
        return;
      }
      for (PeerId o : weaker) {
        equivocations.forget(o); // dropped, as the new one would have been
        counters.increment(Counter.PROOF_BUDGET);
      }
    }
    equivocations.learn(e, stranger);
    if (from != null) {
      equivocations.has(from.id(), e.origin(), e.seq());
    }
    // passed on before the frozen seq trims what links said they hold of its author
    stranger = equivocations.stranger(e.origin());
    for (LinkState l : links.values()) {
      // a stranger's proof: to links that hold its author's lines, or had a proof of it (a lower
      // one is news to them)
      if (!stranger || namesAuthor(l, e.origin()) || equivocations.hasAny(l.id(), e.origin())) {
        offerProof(l, e);
      }
    }
    sync.frozen(e.origin());
    stopWaitingForDisputed();
    if (!stranger) {
      // a proof against a key that never wrote here changes nothing shown: not told (rev28:
      // throwaway keys' proofs would fill the screen), passed on only to links that hold its lines
      effects.notice(new RoomNotice.Equivocated(e.origin(), e.seq()));
    }
  }

  /**
   * How much a proof matters here, for which to keep when the room's authors' proofs are at their
   * budget: first whether it disputes a message we hold (else freezing its author changes nothing
   * shown: a throwaway key proven above the one line it wrote), then how many of its author's
   * messages we hold (a member who has written much outranks a key that wrote a line).
   */
  private long proofRank(Equivocation e) {
    SeqSet held = holdings.get(e.origin());
    if (held == null || held.isEmpty()) {
      return 0;
    }
    long disputes = held.max() >= e.seq() ? 1L << 62 : 0;
    return disputes + Math.min(held.count(), (1L << 62) - 1);
  }

  /**
   * Anti-entropy's effects, but a history batch that carries disputed messages of a proven author
   * (the chain extension up to a signed head) is preceded by the proof against that author, if the
   * link lacks it: a newcomer shows them marked, though no proof goes at link-up any more.
   */
  private final class ProofsBeforeDisputed implements RoomEffects {
    private final RoomEffects effects;

    ProofsBeforeDisputed(RoomEffects effects) {
      this.effects = effects;
    }

    @Override
    public void send(PeerId to, LinkMessage message) {
      if (message instanceof LinkMessage.SyncBatch b && equivocations.any()) {
        LinkState l = links.get(to);
        if (l != null) {
          for (ChatMessage m : b.messages()) {
            if (equivocations.disputed(m.id())) {
              offerProof(l, equivocations.proof(m.origin()));
            }
          }
        }
      }
      effects.send(to, message);
    }

    @Override
    public void commit() {
      effects.commit();
    }

    @Override
    public void deliver(Delivery delivery) {
      effects.deliver(delivery);
    }

    @Override
    public void notice(RoomNotice notice) {
      effects.notice(notice);
    }

    @Override
    public void dial(PeerId namer, LinkMessage.PeerAddress address) {
      effects.dial(namer, address);
    }

    @Override
    public void closeLink(PeerId peer, LinkMessage.Close reason) {
      effects.closeLink(peer, reason);
    }

    @Override
    public void storeFailed(StoreException e) {
      effects.storeFailed(e);
    }

    @Override
    public void undeliver(MessageId id) {
      effects.undeliver(id);
    }
  }

  /** Whether {@code l}'s digests said it holds messages of {@code origin} we may lack. */
  private static boolean namesAuthor(LinkState l, PeerId origin) {
    SeqSet theirs = l.sync.theirs.get(origin);
    return theirs != null && !theirs.isEmpty();
  }

  /** Sends {@code e} on {@code l} unless the link has it or a lower one: once per link. */
  private void offerProof(LinkState l, Equivocation e) {
    if (equivocations.lacks(l.id(), e)) {
      equivocations.has(l.id(), e.origin(), e.seq());
      effects.send(l.id(), new LinkMessage.Equivocated(e));
    }
  }

  /**
   * {@code l}'s digest names authors we hold proofs against (it holds their messages): it needs
   * those, each sent once ({@link #offerProof}). A link whose digests name no proven author is sent
   * no proof at all.
   */
  private void offerNamedProofs(LinkState l, LinkMessage.Digest d) {
    for (LinkMessage.DigestEntry entry : d.entries()) {
      if (!entry.held().isEmpty()) {
        Equivocation e = equivocations.proof(entry.origin());
        if (e != null) {
          offerProof(l, e);
        }
      }
    }
  }

  /**
   * A disputed message we do not hold will never come (nobody passes it on): messages waiting for
   * one are shown now, marked incomplete, rather than after the hold-back timeout, and no longer
   * tracked for it.
   */
  private boolean neverComes(MessageId id) {
    return (equivocations.disputed(id) || quota.holdsBack(id.origin(), id.seq()))
        && !causal.isHeld(id)
        && !causal.isDelivered(id);
  }

  private void stopWaitingForDisputed() {
    for (CausalBuffer.Held h : causal.stopWaitingFor(this::neverComes)) {
      if (!h.shownIncomplete) {
        showIncomplete(h.message.id());
      }
      causal.untrack(h.message.id());
    }
  }

  /** Authors proven to equivocate, each with the seq from which its history is disputed. */
  public Map<PeerId, Long> equivocators() {
    return equivocations.proven();
  }

  /**
   * The answer to our Graft: live messages that reached us late, taken as if pushed (stored,
   * forwarded on the tree, shown live), then the heads that prove them, relayed after what we
   * forwarded. A copy we already hold is no reason to prune the link: we asked for it.
   */
  private void onGraftReply(LinkState l, LinkMessage.SyncBatch b) {
    List<ChatMessage> ordered = new ArrayList<>(b.messages());
    ordered.sort(ChatMessage.CANONICAL);
    for (ChatMessage m : ordered) {
      if (!isCopy(m) && admissible(m, l)) {
        MessageStore.AppendResult stored = store.append(m);
        if (stored != MessageStore.AppendResult.DUPLICATE) {
          clock.receive(m.lamport());
          admit(m, stored, l, false);
        }
      }
    }
    endUnitless();
    for (ChainHead h : b.heads()) {
      onHead(new LinkMessage.Head(h), l);
    }
  }

  /**
   * Answers a Graft with the asked messages we hold, in batches of request id {@link #GRAFT_REPLY}
   * that carry the heads proving them ({@link ChainedChunk}), so the asker can authenticate them:
   * within the link's answer budget, as a sync request is ({@link AntiEntropy#onGraft}).
   */
  private void answerGraft(PeerId to, List<MessageId> ids) {
    LinkState l = links.get(to);
    if (l != null) {
      sync.onGraft(l.sync, ids, GRAFT_REPLY);
    }
  }

  /**
   * A live message read on its author's own link, before the signed head that covers it (the frame
   * layer passes it, then the message itself once its head is checked): the link's TLS session is
   * bound to the author's identity key by the Hello proof, so it is authentic and correctly
   * attributed already, and it is shown now if it could be delivered now (every dependency
   * delivered or itself shown early and older, the admission checks passed). It is not stored,
   * forwarded, served or listed in a digest: a third peer could not check it yet. The usual path
   * takes it when its head comes and does not show it again; if the link goes down first, the user
   * is told ({@link RoomNotice.Unsigned}). docs/security.md, "Lines shown before their head".
   */
  private void showEarly(ChatMessage m, LinkState from) {
    Early e = tryEarly(m, from);
    if (e == Early.UNREADY) {
      waiting.add(m, lacked, from, links.size());
    } else if (e == Early.REFUSED) {
      counters.add(Traffic.LINES_EARLY_REFUSED, 1);
    }
  }

  /**
   * Lines passed early that lacked only a dependency not yet shown (another author's line still on
   * its way, or behind its own head's check): tried again once the room showed a dependency one of
   * them waits for, until a round shows none of what they wait for. Bounded per link and in all
   * ({@link WaitingEarly}); a line dropped there, or whose link goes down, waits for its head.
   */
  private void retryWaiting() {
    while (waiting.wakes()) {
      waiting.takeWake(); // a line shown below that another waits for wakes the next round
      for (WaitingEarly.OfLink o : waiting.links()) {
        int removed = 0;
        for (Iterator<ChatMessage> it = o.lines.iterator(); it.hasNext(); ) {
          Early e = tryEarly(it.next(), o.link);
          if (e == Early.UNREADY) {
            waiting.stillLacks(lacked);
            continue;
          }
          it.remove();
          removed++;
          if (e == Early.REFUSED) {
            counters.add(Traffic.LINES_EARLY_REFUSED, 1);
          }
        }
        waiting.removed(o, removed);
      }
    }
  }

  /** Lines passed early that wait to be shown for a dependency (tests). */
  int linesWaitingEarly() {
    return waiting.size();
  }

  private final WaitingEarly waiting = new WaitingEarly();

  private MessageId lacked; // what the last line tryEarly found UNREADY waits for

  private enum Early {
    SHOWN,
    DONE, // shown or stored already, or not its author's link: nothing to do
    UNREADY, // only a dependency is not shown yet ({@link #lacked})
    REFUSED // the usual path decides, once its head comes
  }

  /**
   * Shows {@code m} early if it can be now. Its readiness is checked before the admission checks,
   * whose clock bound spends the allowance a jump takes: a line that only waits, or is refused for
   * another reason, spends nothing (review of lat22: it spent the honest allowance at each retry).
   */
  private Early tryEarly(ChatMessage m, LinkState from) {
    if (!m.origin().equals(from.id())
        || links.get(from.id()) != from
        || early.wasShown(m.id())
        || holdings.contains(m.origin(), m.seq())) {
      return Early.DONE;
    }
    if (early.full(m.origin())
        || causal.isHeld(m.id())
        || equivocations.disputed(m.id())
        || quota.holdsBack(m.origin(), m.seq())) {
      return Early.REFUSED;
    }
    MessageId lacks = lacking(m);
    if (lacks == NEVER) {
      return Early.REFUSED;
    } else if (lacks != null) {
      lacked = lacks;
      return Early.UNREADY;
    }
    if (admission.refusal(m, clock.time()) != null) {
      return Early.REFUSED; // nothing spent: a refused jump takes none of the allowance
    }
    if (!charged(m, from)) {
      return Early.REFUSED; // over its quota: never shown, as it will never be stored
    }
    clock.receive(m.lamport());
    early.add(m);
    counters.add(Traffic.LINES_SHOWN_EARLY, 1); // before the display: a listener may read it
    show(m, false, false, true);
    return Early.SHOWN;
  }

  /** Whether we store {@code id} (its line shown early was signed, whatever came of it). */
  private boolean stored(MessageId id) {
    return holdings.contains(id.origin(), id.seq());
  }

  /** Tells the user that {@code lines} lines of {@code author} were shown and never signed. */
  private void tellUnsigned(PeerId author, int lines) {
    if (lines > 0 && !stopped) {
      effects.notice(new RoomNotice.Unsigned(author, lines));
    }
  }

  /**
   * Null if each dependency {@code m} lacks was shown early, before it in time; else the first one
   * not shown yet, or {@link #NEVER} if one was shown at or after {@code m}'s time (it never will
   * be ready: the usual path refuses it as backdated).
   */
  private MessageId lacking(ChatMessage m) {
    // the author's previous line, then each dep in order, asked as causal.missingFor asks them but
    // without its set: that set (and its iterator, and an id for the previous line) was made for
    // each line shown early, most of which lack their author's previous line and the other
    // authors' latest ones, shown early too (4.6 % of the throughput cell's room threads,
    // docs/benchmarks.md, session 37)
    long seq = m.seq();
    PeerId origin = m.origin();
    if (seq > 1 && !causal.isDelivered(origin, seq - 1)) {
      ChatMessage dep = early.get(origin, seq - 1);
      if (dep == null) {
        return new MessageId(origin, seq - 1);
      } else if (dep.lamport() >= m.lamport()) {
        return NEVER;
      }
    }
    List<MessageId> deps = m.deps();
    for (int i = 0, n = deps.size(); i < n; i++) {
      MessageId d = deps.get(i);
      if (!causal.isDelivered(d) || d.equals(m.id())) {
        ChatMessage dep = early.get(d);
        if (dep == null) {
          return d;
        } else if (dep.lamport() >= m.lamport()) {
          return NEVER;
        }
      }
    }
    return null;
  }

  private static final MessageId NEVER = new MessageId(PeerId.of(new byte[1]), 1); // by identity

  /** Stores, forwards and delivers a live message from {@code from}; false if not new. */
  boolean accept(ChatMessage m, LinkState from, boolean catchUp) {
    if (isCopy(m)) {
      if (!catchUp) {
        counters.add(Traffic.MESSAGES_DUPLICATE_LIVE, 1);
        broadcast.received(from.tree, from.id(), m.id(), false, true);
      }
      return false;
    }
    if (!admissible(m, from)) {
      return false;
    }
    clock.receive(m.lamport());
    MessageStore.AppendResult stored;
    try {
      stored = store.append(m);
    } catch (StoreException e) {
      storeFailed(e, List.of(m), from); // our disk: the link stays, and is asked for it again
      endUnitless();
      return false;
    }
    boolean fresh = admit(m, stored, from, catchUp);
    endUnitless();
    return fresh;
  }

  /**
   * Whether {@code m} is a copy of a message we store: it was admitted (and our clock moved past
   * it) when the first copy came, so it is dropped before the admission checks and without a clock
   * tick. In a partial mesh most copies a peer gets are such duplicates (about one per link that is
   * still eager for the author). A different message under a stored id is no copy: it takes the
   * full path, where the store reports the conflict.
   */
  private boolean isCopy(ChatMessage m) {
    SeqSet s = holdings.get(m.origin());
    if (s == null || !s.contains(m.seq())) {
      return false;
    }
    Optional<ChatMessage> stored = store.get(m.id());
    return stored.isPresent() && stored.get().equals(m);
  }

  /**
   * Most messages held back at once that came by one link, and that one author wrote: a hostile
   * link or author gets this share of the hold-back (and the fetches it causes), never all of it.
   * An honest catch-up asks at most {@code syncMaxMessages} (512) at a time, in causal order.
   */
  static final int MAX_HELD_PER_LINK = 1_024;

  static final int MAX_HELD_PER_ORIGIN = 1_024;

  /** The smaller hold-back budget: below it in all, neither can be spent. */
  private int minHeldBudget() {
    return Math.min(config.maxHeldPerLink(), config.maxHeldPerOrigin());
  }

  /** Counts and drops {@code m} if a bound refuses it; true to go on and store it. */
  private boolean admissible(ChatMessage m, LinkState from) {
    return admissible(m, from, null);
  }

  /**
   * As {@link #admissible(ChatMessage, LinkState)}, for a message of a sync batch: {@code before}
   * holds the ids of the batch's messages taken ahead of it, which it does not wait for.
   */
  private boolean admissible(ChatMessage m, LinkState from, Set<MessageId> before) {
    Counter refused = overBudget(m, from, before) ? Counter.HOLD_BACK_BUDGET : null;
    if (refused == null) {
      refused = admission.refusal(m, clock.time());
    }
    if (refused == null
        // charged when shown early, whatever link its signed copy comes by (rev33: a copy from
        // another peer, its author's link down before its head, was charged again); another
        // version under its id is a line of its own, and charged
        && !(!early.isEmpty() && early.shownAsIs(m))
        && !charged(m, from, true)) {
      return false; // over its author's quota (counted there); a line shown early was charged then
    }
    if (refused != null) {
      counters.increment(refused);
      if (refused == Counter.HOLD_BACK_BUDGET) {
        sync.refusedForHoldBack(from.sync, m.id()); // asked again once the hold-back may have room
      }
      return false;
    }
    return true;
  }

  private boolean overBudget(ChatMessage m, LinkState from, Set<MessageId> before) {
    if (causal.pendingCount() < minHeldBudget()) {
      return false; // the common case: neither budget can be spent, no lookup needed
    }
    if (causal.pendingVia(from.id()) < config.maxHeldPerLink()
        && causal.pendingBy(m.origin()) < config.maxHeldPerOrigin()) {
      return false;
    }
    if (causal.isDelivered(m.id()) || causal.isHeld(m.id())) {
      return false; // a copy of what we have: costs nothing to take
    }
    Set<MessageId> missing = causal.missingFor(m);
    if (before != null && !missing.isEmpty() && before.containsAll(missing)) {
      // it waits only for messages ahead of it in its batch, delivered before it: a batch of one
      // author's chain is taken whole, not its first message per round trip
      return false;
    }
    return !missing.isEmpty(); // only a message that would wait is refused
  }

  /**
   * Stores a sync batch in one unit of work (one SQLite transaction, not one per message), then
   * admits each message as {@link #accept} would. Returns how many were new.
   */
  int acceptBatch(List<ChatMessage> offered, List<ChainHead> heads, PeerId fromId) {
    LinkState from = links.get(fromId); // up: its batch is being handled
    int fresh = acceptMessages(offered, from);
    for (ChainHead h : heads) {
      Optional<Equivocation> proof = equivocations.onHead(from.id(), h);
      store.putHead(h); // kept to prove this history to the next peer that asks us
      proof.ifPresent(e -> onProof(e, null));
    }
    return fresh;
  }

  private int acceptMessages(List<ChatMessage> offered, LinkState from) {
    List<ChatMessage> batch = new ArrayList<>(offered.size());
    // the batch's ids taken so far, kept only while a hold-back budget may refuse (nothing is held
    // before the loop ends, so that does not change inside it)
    Set<MessageId> taken = causal.pendingCount() < minHeldBudget() ? null : new HashSet<>();
    // the batch's messages whose check met a dependency not delivered yet: one that comes earlier
    // in the batch is delivered before them, and they are checked against it then
    BitSet recheck = null;
    // the batch's messages so far by id: a second copy of one is a copy of what this batch took,
    // not stored yet (isCopy asks the store), and is dropped before admissible charges its author
    // again (rev33: a batch of 200 copies of an honest line charged it 200 times and held its
    // author for a day); another version under the id goes on, a conflict as before
    Map<MessageId, ChatMessage> inBatch = offered.size() > 1 ? new HashMap<>() : null;
    for (ChatMessage m : offered) {
      if (inBatch != null && m.equals(inBatch.putIfAbsent(m.id(), m))) {
        continue;
      }
      if (!isCopy(m) && admissible(m, from, taken)) {
        clock.receive(m.lamport());
        if (!admission.judgedWhole(m)) {
          if (recheck == null) {
            recheck = new BitSet();
          }
          recheck.set(batch.size());
        }
        batch.add(m);
        if (taken != null && !holdings.contains(m.origin(), m.seq())) {
          // only a message new to us is delivered ahead of the rest: another version of an id we
          // hold (held, maybe) is a conflict and delivers nothing, so nothing may count on it
          taken.add(m.id());
        }
      }
    }
    List<MessageStore.AppendResult> results;
    try {
      results = store.appendAll(batch);
    } catch (StoreException e) {
      storeFailed(e, batch, from); // nothing of it stored: asked again, the batch's request ends
      endUnitless();
      return 0;
    }
    int fresh = 0;
    Set<MessageId> missing = new HashSet<>();
    batchMissing = missing;
    try {
      for (int i = 0; i < batch.size(); i++) {
        if (admit(batch.get(i), results.get(i), from, true, recheck != null && recheck.get(i))) {
          fresh++;
        }
      }
    } finally {
      batchMissing = null;
      endUnitless();
    }
    if (!missing.isEmpty()) {
      // one fetch for the whole batch, asked once all of it is in: a dep that came later in the
      // same batch is not asked for
      sync.requestIds(from.sync, missing, causal::isHeld);
    }
    return fresh;
  }

  /** What follows storing: fork notice, holdings, forwarding (live only), causal delivery. */
  private boolean admit(
      ChatMessage m, MessageStore.AppendResult stored, LinkState from, boolean catchUp) {
    return admit(m, stored, from, catchUp, false);
  }

  /**
   * As above; {@code recheck}: its admission check met a dependency not delivered then, which may
   * have been delivered since (earlier in its sync batch): checked again before it is shown.
   */
  private boolean admit(
      ChatMessage m,
      MessageStore.AppendResult stored,
      LinkState from,
      boolean catchUp,
      boolean recheck) {
    switch (stored) {
      case DUPLICATE -> {
        if (!catchUp) {
          broadcast.received(from.tree, from.id(), m.id(), false, true);
        }
        return false;
      }
      case CONFLICT -> {
        equivocations.conflict(from.id(), m); // a proof once the head that authenticated it comes
        if (forkedOrigins.add(m.origin())) {
          effects.notice(
              new RoomNotice.Fork(store.get(m.id()).orElseThrow(), m)); // told once per origin
        }
        return false;
      }
      case NEW -> {
        int author = holdings.add(m.origin(), m.seq());
        if (tracksUnits) {
          storedSinceCommit.add(m.id());
          storedVia.add(from.id());
        }
        if (equivocations.any() && equivocations.stranger(m.origin())) {
          // proven while nothing of it was here: told now that its lines are (the seq it is
          // frozen at is the room's, so what is shown below it is agreed)
          equivocations.met(m.origin());
          effects.notice(
              new RoomNotice.Equivocated(m.origin(), equivocations.frozenAt(m.origin())));
          Equivocation proof = equivocations.proof(m.origin());
          for (LinkState l : links.values()) {
            offerProof(l, proof); // its author's messages may go on now: so does its proof
          }
        }
        sync.grew(author);
        if (!catchUp) {
          sync.arrivedLive(author);
        }
        broadcast.received(from.tree, from.id(), m.id(), true, !catchUp);
      }
    }
    if (m.origin().equals(self) && m.seq() > ownSeq) {
      // Our own message came back from a peer: we lost our store's tail (a power cut) or the
      // whole data dir. Never reuse its seq, or our next message forks every other peer; and
      // link the next one to it, or every receiver refuses our chain.
      ownSeq = m.seq();
      chain.recovered(m);
    }
    if (m.origin().equals(self)) {
      outbox.onOwnRecovered();
    }
    gotten++;
    if (!catchUp) {
      forward(m, from);
    }
    oweDigests(m, from, catchUp);
    Set<MessageId> missing = causal.missingFor(m, admission.knownDelivered(m));
    boolean gaveUp = false;
    if (!missing.isEmpty() && (equivocations.any() || quota.anyHeld())) {
      Set<MessageId> coming = new HashSet<>(missing);
      gaveUp = coming.removeIf(this::neverComes);
      if (coming.isEmpty()) {
        if (!refusedOnRecheck(m, recheck)) {
          deliver(m, catchUp, true); // it answers a disputed message we will never get
        }
        return true;
      }
      missing = coming;
    }
    if (missing.isEmpty()) {
      if (!refusedOnRecheck(m, recheck)) {
        deliver(m, catchUp, false);
      }
    } else {
      hold(m, catchUp, missing, gaveUp, from);
    }
    return true;
  }

  /**
   * Whether {@code m}, whose batch check met a dependency not delivered then ({@code recheck}), is
   * refused now: that dependency came earlier in the batch at or above its time. Refused, it is
   * stored and never shown as if it answered, as a release refused so ({@link #releaseAfter}).
   */
  private boolean refusedOnRecheck(ChatMessage m, boolean recheck) {
    if (!recheck || !admission.backdated(m)) {
      return false;
    }
    store.markShown(m.id());
    hide(m);
    counters.increment(Counter.BACKDATED);
    releaseAfter(m);
    return true;
  }

  /**
   * Marks {@code m}, stored and refused as backdated, hidden in the store: the history reads skip
   * it there, so rows a member makes us store and never show cost nothing to page past (rev33: 100
   * of them on top of the history hid every earlier line from {@code /history}). Our own messages
   * are listed whatever their times, as {@link #historyBefore} lists them.
   */
  private void hide(ChatMessage m) {
    if (!m.origin().equals(self)) {
      store.markHidden(m.id());
    }
  }

  /**
   * The forwarding rule: pass a message on, the first time we see it live, through {@link
   * Broadcast} (the whole message on eager links, its id on lazy ones) to every linked peer that
   * may lack it: not its author, not the link it came from, not a peer whose latest PeerList shows
   * a link to its author, nor one that the author's latest PeerList names (the author sent it
   * there), and not a peer whose latest PeerList shows a link to the peer we got it from (that
   * peer, author or first-time forwarder, sent it to each of its links by this same rule). In a
   * full mesh every peer is linked to every author, so nothing is forwarded, and while one forms
   * neither: an author announces a new link before its next message ({@link
   * PeerExchange#announcePending}), so its list tells us whom it pushed the message to before the
   * message comes, where the lists of the peers it linked to may still be on their way. Only the
   * author's list is taken for whom it sent its own message to: a relay's list naming a peer would
   * let that relay stop us forwarding others' messages there. In a partial mesh this is flooding
   * pruned by two-hop knowledge. Lists that are stale while links change can make a peer miss a
   * copy: anti-entropy repairs it.
   */
  private void forward(ChatMessage m, LinkState from) {
    if (links.size() <= 1
        || exchange.everyLinkNames(m.origin(), from.exchange)
        || equivocations.disputed(m.id())) {
      return; // nobody may lack it
    }
    Chat chat = null;
    PeerId origin = m.origin();
    PeerId via = from.id();
    // skip a link whose PeerList names the author or the sender, or that the author's names:
    // they sent it there
    long mark = ++forwardMarks;
    exchange.markNaming(origin, mark);
    exchange.markNaming(via, mark);
    if (via.equals(origin)) {
      exchange.markNamedBy(from.exchange, mark); // only the author's word for its own messages
    }
    // the author's own link, found once: comparing each link's id with the author's read every
    // link's id, a cache miss per link in a big simulation (6.5% of a 4,000-peer run, session 23)
    LinkState author = links.get(origin);
    for (LinkState l : linkArray) {
      if (l != from && l != author && !l.exchange.marked(mark)) {
        if (chat == null) {
          chat = new Chat(m);
        }
        if (broadcast.push(l.tree, l.id(), chat)) {
          if (m.isChained()) {
            l.oweHead(origin); // no head ever follows an unchained message (the simulation's)
          }
          l.pushedWhole(gotten);
        }
      }
    }
    broadcast.announce();
  }

  /**
   * A new message {@code m} came from {@code from}: each other link whose peer is not known to hold
   * it owes a digest (see {@link AntiEntropy#periodic}). Known to hold it: its author, a peer we
   * pushed it to whole, and a peer whose PeerList names the author (authors push their own messages
   * whole on every link). A live message of the link peer's own means it is talking.
   */
  private void oweDigests(ChatMessage m, LinkState from, boolean catchUp) {
    PeerId origin = m.origin();
    LinkState author = links.get(origin);
    if (author != null && !catchUp) {
      sync.spoke(author.sync);
    }
    long mark = ++forwardMarks;
    exchange.markNaming(origin, mark);
    for (LinkState l : linkArray) {
      if (l != from && l != author && !l.exchange.marked(mark) && !l.pushedWholeAt(gotten)) {
        sync.owe(l.sync);
      }
    }
  }

  private void hold(
      ChatMessage m, boolean catchUp, Set<MessageId> missing, boolean gaveUp, LinkState from) {
    // a live message (pushed, or a graft's answer) passed the admission check just before: every
    // dependency it does not wait for was found delivered and older then (a sync batch's were
    // checked before the batch's earlier messages were delivered, so its release checks them all)
    CausalBuffer.Held h =
        causal.hold(
            m, catchUp, missing, from.id(), gaveUp, scheduler.nowMillis(), !catchUp && !gaveUp);
    armHoldBack();
    store.markWaiting(m.id()); // with the message, in one unit of work: a restart holds it again
    if (catchUp && batchMissing != null) {
      batchMissing.addAll(missing); // asked once the batch is in: see acceptMessages
    } else if (catchUp) {
      sync.requestIds(from.sync, missing, causal::isHeld);
    } else {
      // A live message ahead of its dependencies: on a broadcast tree they are most likely on
      // their way (another origin's tree, or a graft). Fetching them at once would race the tree
      // and get most copies twice; ask only if they are still missing after a graft's time.
      fetchDepsLater(h, from);
    }
    while (causal.pendingCount() > config.maxHoldBack()) {
      CausalBuffer.Held victim = causal.overflowVictim();
      if (victim == null) {
        break;
      }
      counters.increment(Counter.HOLD_BACK_OVERFLOW);
      showIncomplete(victim.message.id());
    }
  }

  /**
   * Arms the room's one hold-back timer for the oldest held message not yet shown, unless it is
   * armed: held messages are held in time order, so the oldest one's timeout comes first. A timer
   * per held message cost an event and two closures each while a big room's peer held hundreds.
   */
  private void armHoldBack() {
    CausalBuffer.Held oldest = causal.oldest();
    if (holdBackTimer != null || oldest == null) {
      return;
    }
    long wait = oldest.heldAt + config.holdBackTimeoutMs() - scheduler.nowMillis();
    holdBackTimer = scheduler.schedule(Math.max(0, wait), this::holdBackDue);
  }

  /**
   * Most hold-back timeouts a catch-up message waits in all while what it waits for is on its way
   * ({@link #stillComing}): 4, 20 s with the default timeout of 5 s. A fresh joiner's history comes
   * in slices, asked of several links at once; a slice that comes before the earlier one waits for
   * it, and on a loaded box that answer can take longer than one timeout (it may also be cut by its
   * answerer's budget and asked again). Given up on at the first timeout, the earlier slice was
   * shown late when it came. The bound keeps a peer that names history and never sends it from
   * holding the lines after it for longer: the request asked of it times out after {@link
   * RoomConfig#syncRequestTimeoutMs} (10 s), and the other links are asked meanwhile.
   */
  static final int CATCH_UP_HOLD_WAITS = 4;

  /**
   * Shows, incomplete, every held message whose hold-back timeout has passed, but for a catch-up
   * message whose dependencies are still coming, or a live one whose dependencies are all held here
   * ({@link #waitsOnHeld}): it waits one more timeout, up to {@link #CATCH_UP_HOLD_WAITS} in all;
   * re-arms.
   */
  private void holdBackDue() {
    holdBackTimer = null;
    long now = scheduler.nowMillis();
    long due = now - config.holdBackTimeoutMs();
    for (CausalBuffer.Held h = causal.oldest();
        h != null && h.heldAt <= due && !h.shownIncomplete;
        h = causal.oldest()) {
      // a live line waiting on held ones only: they are here, so still coming too (waitsOnHeld
      // implies stillComing, which it was also asked until session 36)
      if (h.waitedAgain < CATCH_UP_HOLD_WAITS - 1
          && (h.catchUp ? stillComing(h) : waitsOnHeld(h))) {
        causal.waitAgain(h, now); // the newest now: the loop goes on with the next oldest
        continue;
      }
      showIncomplete(h.message.id());
    }
    armHoldBack();
    if (waiting.wakes()) {
      retryWaiting(); // a line shown early may have waited for one shown here: not for a frame
    }
  }

  /**
   * Whether every dependency the held message {@code h} lacks is itself held here (pending, not
   * shown): a live line naming a catch-up slice that waits for an earlier one waits with it, and is
   * released the moment they are shown. Until session 35 it got the one live timeout and was shown
   * incomplete ahead of the history it answers, which then all came below it marked late (rev35
   * FINDING-2, LiveLineDuringSlowSliceTest).
   */
  private boolean waitsOnHeld(CausalBuffer.Held h) {
    List<MessageId> missing = h.missing();
    if (missing.isEmpty()) {
      return false;
    }
    for (MessageId d : missing) {
      if (!causal.isPending(d)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether everything {@code h} waits for is still coming: held here itself (its own wait
   * decides), or on its way by anti-entropy ({@link AntiEntropy#onItsWay}).
   */
  private boolean stillComing(CausalBuffer.Held h) {
    for (MessageId d : h.missing()) {
      if (!causal.isPending(d) && !sync.onItsWay(d)) {
        return false;
      }
    }
    return true;
  }

  /** How long a live message waits for its dependencies to arrive by the tree before asking. */
  static final long DEP_FETCH_DELAY_MS = Broadcast.GRAFT_TIMEOUT_MS + Broadcast.GRAFT_RETRY_MS;

  /**
   * Asks {@code from}, {@link #DEP_FETCH_DELAY_MS} from now, for what the held message {@code id}
   * still lacks then. The link keeps one timer for all its held messages, and the ids that come due
   * together go in one request (a burst of live messages ahead of their deps made one fetch each).
   */
  private void fetchDepsLater(CausalBuffer.Held h, LinkState from) {
    if (from.depsDue(h, scheduler.nowMillis() + DEP_FETCH_DELAY_MS)) {
      scheduler.schedule(DEP_FETCH_DELAY_MS, () -> fetchDeps(from));
    }
  }

  private void fetchDeps(LinkState l) {
    if (links.get(l.id()) != l || stopped) {
      return; // its link is gone: the digests of the others will tell
    }
    // one timer event per held message, most of them delivered meanwhile: no set made, nothing
    // looked up, unless something is still missing
    Set<MessageId> missing = null;
    long now = scheduler.nowMillis();
    for (CausalBuffer.Held h = l.pollDepsDue(now); h != null; h = l.pollDepsDue(now)) {
      if (h.isHeld() && !h.shownIncomplete) { // else delivered meanwhile
        Set<MessageId> lacking = causal.missingFor(h.message);
        if (!lacking.isEmpty()) {
          if (missing == null) {
            missing = new HashSet<>();
          }
          missing.addAll(lacking);
        }
      }
    }
    if (missing != null) {
      sync.requestIds(l.sync, missing, causal::isHeld);
    }
    // most of those queued behind were released (or shown) since they were held, a link delay or
    // so after: their due times would each be an event that does nothing, so the timer is armed
    // for the first one still waiting (a settled message never waits again)
    l.dropSettledDepsDue();
    if (l.anyDepsDue()) {
      long wait = l.nextDepsDue() - scheduler.nowMillis();
      scheduler.schedule(Math.max(0, wait), () -> fetchDeps(l));
    }
  }

  private void showIncomplete(MessageId id) {
    CausalBuffer.Held h = causal.held(id);
    if (h == null || h.shownIncomplete) {
      return;
    }
    causal.markShownIncomplete(h);
    store.markShown(id);
    emit(h.message, h.catchUp, true);
    releaseAfter(h.message);
  }

  private void deliver(ChatMessage m, boolean catchUp, boolean incomplete) {
    emit(m, catchUp, incomplete);
    releaseAfter(m);
  }

  /** Marks {@code m} delivered and delivers every held message it releases. */
  private void releaseAfter(ChatMessage m) {
    // the list kept from the last delivery, taken while in use (a delivery inside this one makes
    // its own): nearly every delivery completes nothing, and a list and an iterator per delivery
    // were 3 % of what the throughput cell allocated (docs/benchmarks.md, session 35)
    List<MessageId> completed = spareCompleted;
    spareCompleted = null;
    if (completed == null) {
      completed = new ArrayList<>();
    }
    if (tracksUnits) {
      deliveredSinceCommit.add(m);
    }
    List<CausalBuffer.Ready> ready = causal.markDelivered(m, completed);
    for (int i = 0, n = ready.size(); i < n; i++) {
      CausalBuffer.Ready r = ready.get(i);
      if (tracksUnits) {
        deliveredSinceCommit.add(r.message());
      }
      store.markShown(r.message().id()); // or never shown: either way it waits no more
      if (r.checked() ? r.backdated() : admission.backdated(r.message())) {
        // its dependency came after it and is newer: stored, but never shown as if it answered
        hide(r.message());
        counters.increment(Counter.BACKDATED);
        continue;
      }
      emit(r.message(), r.catchUp(), r.incomplete());
    }
    for (int i = 0, n = completed.size(); i < n; i++) {
      MessageId id = completed.get(i);
      // shown incomplete, its last dependency came stamped at or above it: the history leaves it
      // out from now on (it is not listed above what it claims to answer), so it is marked too
      Optional<ChatMessage> shown = id.origin().equals(self) ? Optional.empty() : store.get(id);
      if (shown.isPresent() && admission.backdated(shown.get())) {
        store.markHidden(id);
      }
      effects.notice(new RoomNotice.Completed(id));
    }
    completed.clear();
    spareCompleted = completed;
  }

  private void emit(ChatMessage m, boolean catchUp, boolean incomplete) {
    admission.delivered(m);
    sync.countDelivered(m, catchUp);
    if (!early.isEmpty()) {
      EarlyLines.Taken was = early.taken(m);
      if (was == EarlyLines.Taken.SAME) {
        return; // shown when it came on its author's link: not again
      }
      if (was == EarlyLines.Taken.OTHER) {
        // its author showed us one version on its link and signed another (rev27): the line on
        // the screen was never signed, and the user is told so before the signed one is shown
        tellUnsigned(m.origin(), 1);
      }
    }
    show(m, catchUp, incomplete, false);
  }

  private void show(ChatMessage m, boolean catchUp, boolean incomplete, boolean early) {
    waiting.shown(m.id()); // a line waiting to be shown early may wait for this one
    LamportTimestamp ts = m.timestamp();
    boolean late = maxShown != null && ts.compareTo(maxShown) < 0;
    MessageId after = late ? store.predecessor(ts).orElse(null) : null;
    if (!late) {
      maxShown = ts;
    }
    effects.deliver(
        new Delivery(m, late, after, catchUp, incomplete, equivocations.disputed(m.id()), early));
  }

  // ---- timers ----

  private void scheduleSync() {
    if (stopped) {
      return;
    }
    double spread = 1 + config.syncJitter() * (2 * random.nextDouble() - 1);
    long delay = Math.max(1, Math.round(config.syncIntervalMs() * spread));
    syncTimer =
        scheduler.schedule(
            delay,
            () -> {
              try {
                quotaRound();
                sync.periodic();
              } finally {
                scheduleSync(); // a bug in a round must not end anti-entropy for the room
              }
            });
  }

  // ---- queries, for the display and the tests ----

  public PeerId self() {
    return self;
  }

  public String nick() {
    return nick;
  }

  public long lamport() {
    return clock.time();
  }

  public long ownSeq() {
    return ownSeq;
  }

  public Set<PeerId> linkedPeers() {
    return Set.copyOf(links.keySet());
  }

  /** What this peer holds, per origin (a copy). */
  public Map<PeerId, SeqSet> holdings() {
    Map<PeerId, SeqSet> out = new HashMap<>();
    for (int a = 0; a < holdings.authors().size(); a++) {
      SeqSet s = holdings.get(a);
      if (s != null) {
        out.put(holdings.authors().author(a), s.copy());
      }
    }
    return out;
  }

  /** How many authors this room has numbered ({@link Holdings}; for tests). */
  int authorCount() {
    return holdings.authors().size();
  }

  /** Ids announced by IHave and still missing (bounded; for tests). */
  int announcedMissing() {
    return broadcast.missingCount();
  }

  public int heldBackCount() {
    return causal.heldCount();
  }

  /**
   * How many messages the room holds (stored, of every author): kept as they come, so reading it
   * costs nothing, where the store's {@code count()} reads the whole history (rev29: a metrics
   * scrape did that on the room thread).
   */
  public long heldCount() {
    return holdings.count();
  }

  /** The limit counters this room bumps (shared with the link layer in a running peer). */
  public Counters counters() {
    return counters;
  }

  /**
   * The last {@code limit} stored messages as the screen showed them, oldest first. Left out: a
   * message held back for its predecessor and not shown yet (one shown incomplete stays listed)
   * (stored, marked waiting, held again after a restart) until the room shows it, in its place
   * (rev30: the scrollback after a {@code kill -9} printed it before the predecessor it waits for,
   * and the room showed it again later); and a message stamped at or below what it answers, stored
   * but refused as backdated (rev30: listed above the question it claims to answer). The store
   * leaves out the second itself, marked when refused ({@link MessageStore#markHidden}; a line
   * shown incomplete whose dependency came later stamped above it is marked then too), and it is
   * judged again here from the stored times, for rows stored before the mark existed (schema 7) or
   * whose mark a rolled-back unit of work took. However many rows are left out, the page is filled
   * from the rows below them (rev33: 100 hidden rows hid the whole history before them).
   */
  public List<ChatMessage> history(int limit) {
    return historyBefore(null, limit);
  }

  /** Most rows one read of {@link #historyBefore} asks for past what the page still lacks. */
  static final int HISTORY_CHUNK = 1_024;

  /**
   * As {@link #history}, but of the messages before {@code before} in canonical order (null: from
   * the newest): {@code /history} pages back with the oldest line of its last page, so each page
   * reads its own rows from the store, not every row after it again (rev31: page k read k × N).
   */
  public List<ChatMessage> historyBefore(ChatMessage before, int limit) {
    if (limit <= 0) {
      return List.of(); // never a negative LIMIT, which SQLite reads as none
    }
    List<ChatMessage> newestFirst = new ArrayList<>(Math.min(limit, 1024));
    ChatMessage cursor = before;
    int asked = 0;
    while (true) {
      // the rows still wanted and those held back, at least twice the last round's (at most
      // HISTORY_CHUNK): the rows left out here are the held back (at most the hold-back limit)
      // and the backdated the store has no mark for, and a page reads on past them all to fill
      // up, in few reads (rev33: it gave up after four and returned what it had, one line or
      // none, so the history before them was out of reach)
      long need = (long) limit - newestFirst.size() + causal.pendingCount();
      asked =
          (int) Math.min(Integer.MAX_VALUE, Math.max(need, Math.min(2L * asked, HISTORY_CHUNK)));
      List<ChatMessage> stored = store.historyBefore(cursor, asked);
      for (int i = stored.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
        ChatMessage m = stored.get(i);
        if (!causal.isPending(m.id()) && (m.origin().equals(self) || !admission.backdated(m))) {
          newestFirst.add(m);
        }
      }
      if (newestFirst.size() >= limit || stored.size() < asked) {
        Collections.reverse(newestFirst);
        return newestFirst;
      }
      cursor = stored.get(0); // some were left out: read on from the oldest row read
    }
  }

  /**
   * What {@code /history} lists: as {@link #historyBefore}, and among it, in its canonical place,
   * each line shown before its head that still waits for the head (docs/security.md, "Lines shown
   * before their head"). Such a line is on the screen but not stored until its head is checked, a
   * moment later (longer on a loaded machine): a user who saw it and typed {@code /history} in
   * between was told "no earlier messages" (session 33: CommandOutputLineBreakProcessTest failed 2
   * runs of 3 so). One never signed leaves the list when the user is told so. At most the lines
   * {@link EarlyLines} holds are added to the page read.
   */
  public List<ChatMessage> shownBefore(ChatMessage before, int limit) {
    List<ChatMessage> page = historyBefore(before, limit);
    if (limit <= 0 || early.isEmpty()) {
      return page;
    }
    Set<MessageId> listed = new HashSet<>();
    page.forEach(m -> listed.add(m.id()));
    List<ChatMessage> merged = new ArrayList<>(page);
    early.forEachWaiting(
        m -> {
          if (!listed.contains(m.id()) && (before == null || SHOWN_ORDER.compare(m, before) < 0)) {
            merged.add(m);
          }
        });
    if (merged.size() == page.size()) {
      return page;
    }
    merged.sort(SHOWN_ORDER);
    return List.copyOf(merged.subList(Math.max(0, merged.size() - limit), merged.size()));
  }

  /** The stores' order of a history: (lamport, origin, seq). */
  private static final Comparator<ChatMessage> SHOWN_ORDER =
      ChatMessage.CANONICAL.thenComparingLong(ChatMessage::seq);

  /**
   * For the latest own messages, oldest first: how many of the peers linked now hold each, per
   * their digests ("seen by k of n").
   */
  public List<RoomNotice.Seen> seenBy() {
    return seen.all(sync.ownHeldByLinks());
  }

  /** Sync status for {@code /status}: per link, messages it has that we lack. */
  public Map<PeerId, Long> lagByPeer() {
    Map<PeerId, Long> out = new LinkedHashMap<>();
    for (LinkState l : links.values()) {
      out.put(l.id(), sync.lag(l.sync));
    }
    return out;
  }

  /** Sync progress for {@code /status}: per link, received by sync so far and still lacking. */
  public Map<PeerId, SyncStatus> syncByPeer() {
    Map<PeerId, SyncStatus> out = new LinkedHashMap<>();
    for (LinkState l : links.values()) {
      out.put(l.id(), new SyncStatus(sync.received(l.sync), sync.lag(l.sync)));
    }
    return out;
  }
}
