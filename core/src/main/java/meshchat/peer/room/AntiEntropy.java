package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import meshchat.peer.sync.SeqSetSlots;

/**
 * Anti-entropy (Demers et al. 1987, "Epidemic algorithms for replicated database maintenance"),
 * pull style: peers swap digests (per origin, the contiguous high-water mark plus gaps); each side
 * asks the other for exactly what it lacks, in bounded requests, a few at a time per link.
 *
 * <ul>
 *   <li>An up-to-date pair settles in one round trip: two digests cross, nobody asks.
 *   <li>A range asked of one link is not asked of another while in flight, so a peer missing K
 *       messages usually receives each once.
 *   <li>At most {@link RoomConfig#syncPipeline} requests are in flight per link; the requester asks
 *       for the next chunk only after the last batch of an earlier one arrives: receiver-driven
 *       back-pressure, a slow link is never flooded, and the peer answers the next chunk while we
 *       store this one.
 *   <li>Periodic digests on a link carry only entries that changed since the previous one (and the
 *       next window of an origin too wide for a frame, {@link #renameWide}).
 *   <li>A request unanswered for {@link RoomConfig#syncRequestTimeoutMs} is given up: a silent or
 *       hostile peer cannot hold a range hostage; the other links are asked at once.
 * </ul>
 */
final class AntiEntropy {
  /** How a batch's messages enter the room: the same path as live messages. */
  interface Acceptor {
    /** Stores and admits a batch as one unit of work; returns how many messages were new. */
    int acceptBatch(List<ChatMessage> batch, List<ChainHead> heads, PeerId from);
  }

  /** A SyncRequest in flight: what it asked for, the new messages it brought, its timeout. */
  private static final class Inflight {
    final List<Want> wants;
    final long count; // messages it asked for
    long fresh;
    Scheduler.Cancellable timer;

    Inflight(List<Want> wants, long count) {
      this.wants = wants;
      this.count = count;
    }
  }

  /** Most dependency fetches in flight on one link; each also expires after the sync timeout. */
  static final int MAX_DEP_FETCHES = 16;

  /** Most wants in one SyncRequest: the protocol's limit, which the answerer enforces. */
  static final int MAX_WANTS = 1_024;

  /**
   * How long a digest's news of an author's latest few messages waits before its sender is grafted
   * for them, when this peer is on that author's broadcast tree (or the author is new to it): those
   * messages are most likely on their way by the tree (a graft's time, as for dependency fetches),
   * and asking at once races it (docs/decisions/0011-digests-wait-for-the-tree.md,
   * 0012-a-digest-is-an-ihave.md).
   */
  static final long TREE_WAIT_MS = Broadcast.GRAFT_TIMEOUT_MS + Broadcast.GRAFT_RETRY_MS;

  /**
   * Most messages beyond what we hold of an author that are grafted, or wait for the tree when we
   * are not on that author's tree (on it, any number wait: a live stream we lag behind).
   */
  static final long TREE_WAIT_MAX_MESSAGES = 8;

  /**
   * Most digest tips one link has compared with our chain a period (each a store read and a hash of
   * up to 64 KiB on the room thread): the rest wait for the next periods, the latest per origin. A
   * member naming 10,000 tips (10,000 throwaway authors', changed at every frame) costs this, not
   * 10,000 reads and hashes a frame (rev29 F7).
   */
  static final long TIP_COMPARES_PER_PERIOD = 256;

  /**
   * Most tip comparisons a link saves up: a link's complete digest in a room of up to this many
   * authors is compared at once.
   */
  static final long TIP_COMPARES_BURST = 1_024;

  /**
   * Where the windows of one origin too wide for a frame stand on one link ({@link #window}): the
   * next window's turn, the turn at which the current cycle of windows began, and whether the peer
   * asked for any of the origin since it began.
   */
  private static final class WideCursor {
    long turn;
    long cycleFrom;
    boolean asked;
    long namedTick = -1; // the periodic round of its last naming

    WideCursor(long turn) {
      this.turn = turn;
      this.cycleFrom = turn;
    }
  }

  /** A digest's tip of one origin: its seq and chain hash. */
  private record TipSeen(long seq, byte[] hash) {
    boolean same(long s, byte[] h) {
      return seq == s && Arrays.equals(hash, h);
    }
  }

  /** Show sync progress for catch-ups bigger than this. */
  static final long PROGRESS_THRESHOLD = 300;

  private final RoomConfig config;
  private final MessageStore store;
  private final RoomEffects effects;
  private final Scheduler scheduler;
  private final Holdings holdings;
  private final AuthorIndex<PeerId> authors;
  private final Acceptor acceptor;
  private ToIntFunction<PeerId> heldVia = p -> 0;
  private final Counters counters;
  private final Map<PeerId, Link> links = new LinkedHashMap<>(); // up links, in order up
  private final Equivocations equivocations;
  private AuthorQuota quota = new AuthorQuota(Long.MAX_VALUE); // the room's: see quota(...)
  private final AskedIndex asked = new AskedIndex();
  private final PeerId self;
  private final Tree tree;
  private long nextRequestId = 1;
  private long caughtUp;

  // a catch-up round has ended whole: with links of two sources up that sent their complete digests
  // and nothing left that any link names and we may ask for (Room: a newcomer's links name authors
  // free until then)
  private boolean endedWhole;

  /**
   * Sync periods a catch-up round's end may wait, once nothing is in flight, for what a link still
   * names and we lack ({@link #roundMaybeOver}).
   */
  static final int ROUND_HOLD_PERIODS = 2;

  /**
   * Periods a catch-up round may last at most while requests are in flight ({@link
   * #roundMaybeOver}): two minutes, about 200,000 lines at the slowest honest catch-up measured
   * (docs/benchmarks.md), so only a link that streams what it names at full pace for minutes
   * reaches it.
   */
  static final int ROUND_MAX_PERIODS = 24;

  private Scheduler.Cancellable roundHold; // the look again at a held round's end; null: none
  private long roundHoldAt; // when roundHold looks
  private long roundHeldSince = -1; // when the round's end was first held; -1: not held
  private long roundFirstAt; // when the round's first line came
  private long roundPaceAt; // when the round last brought an answer's worth ({@link #keptPace})
  private long paceLines; // lines the round brought since roundPaceAt
  private long paceBytes; // and their bytes (text, plus a row's)

  /** What anti-entropy asks of the broadcast tree ({@link Broadcast}). */
  interface Tree {
    /** True if a link that is up brought {@code author}'s latest first copy. */
    boolean onTreeOf(PeerId author);

    /** {@code link}'s digest named {@code ids}, live messages we lack: graft that link for them. */
    void graftFrom(PeerId link, List<MessageId> ids);
  }

  AntiEntropy(
      PeerId self,
      RoomConfig config,
      MessageStore store,
      RoomEffects effects,
      Scheduler scheduler,
      Holdings holdings,
      Acceptor acceptor,
      Counters counters,
      Equivocations equivocations,
      Tree tree) {
    this.self = self;
    this.tree = tree;
    this.equivocations = equivocations;
    this.counters = counters;
    this.config = config;
    this.store = store;
    this.effects = effects;
    this.scheduler = scheduler;
    this.holdings = holdings;
    this.authors = holdings.authors();
    this.acceptor = acceptor;
  }

  /**
   * Anti-entropy's state of one up link: what the peer's digests say it holds, what we told it, and
   * the requests in flight on it. Only this class writes it.
   */
  static final class Link {
    /**
     * Most seq ranges kept of one link's digests, over all origins. Incremental digests add origins
     * without ever removing any, so without a bound a peer could grow this map without end, one new
     * origin per digest. 65,536 ranges are a few MB; an honest room needs one range per origin plus
     * its gaps.
     */
    static final int MAX_THEIRS_RANGES = 65_536;

    final PeerId id;

    /**
     * What the peer holds that we may lack, per its digests on this link, plus its holdings of our
     * own origin (for receipts). An origin whose digest entry we already hold all of is not kept,
     * so this grows with what the peer can give us, not with links × origins
     * (docs/decisions/0009-per-author-state.md). Change it through putTheirs and dropTheirs only.
     */
    final Map<PeerId, SeqSet> theirs = new HashMap<>();

    private long theirsRanges;

    /** The digest version last sent on this link, so periodic digests carry only changes. */
    private long toldDigest;

    /**
     * We hold something, got since our last digest on this link, that the peer is not known to hold
     * (it neither sent it to us, nor got it whole from us, nor is linked to its author): the next
     * periodic digest is due. See {@link AntiEntropy#periodic}.
     */
    private boolean digestOwed;

    /** When we last got a live message of this peer's own (scheduler time); far past: never. */
    private long spokeAt = Long.MIN_VALUE / 2;

    /** A later look at whether this link's receipt can go, while its peer is talking. */
    private Scheduler.Cancellable receiptTimer;

    /** The periodic tick of our last digest on this link. */
    private long digestTick;

    /** Asked for less than it has because of the hold-back ({@link #holdBackRoom}). */
    private boolean heldCapped;

    /** The SyncRequests in flight on this link ({@link RoomConfig#syncPipeline}), oldest first. */
    private final Map<Long, Inflight> inflight = new LinkedHashMap<>();

    /**
     * The "once" allowance of this link's source (IPv4 address or IPv6 /64, as the link layer tells
     * it): each message we hold may be answered once per source, refilled over time ({@link
     * #onRequest}). Keys cost nothing, so it is shared by every link of the source (rev31
     * FINDING-4).
     */
    Allowance once;

    /**
     * Periods this link has been up: its source's asks-again budget is open to it only after a
     * whole one, so keys that link, ask and go (free, one after another) share the once part only.
     */
    int upTicks;

    /**
     * What this link was answered from its source's once part ({@link #onRequest}, {@link
     * #onGraft}): given back if it goes down within its first period ({@link #linkDown}).
     */
    long onceCharged;

    boolean askedOnce; // a SyncRequest went: the next ones take the whole budget
    long reaskAt; // the period at which the periodic round may ask this link again (periodic())
    int reaskMisses; // periodic asks since a batch on this link last brought anything new

    /**
     * Per origin, the last tip of this link's digests found equal to our chain there: the same tip
     * named again costs no store read and no hash ({@link #compareTips}). At most one per origin we
     * hold a message of.
     */
    private final Map<PeerId, TipSeen> tipsMatched = new HashMap<>();

    /**
     * Tips this link's digests named that wait for the link's comparison budget, oldest first, the
     * latest per origin: carried to the next digest and the next periods, never dropped, so an
     * honest peer's tips are all compared in the end ({@link #compareTips}).
     */
    private final LinkedHashMap<PeerId, TipSeen> tipsPending = new LinkedHashMap<>();

    /** Tip comparisons this link may still cost: {@link #TIP_COMPARES_PER_PERIOD} a period. */
    private long tipBudget = TIP_COMPARES_BURST;

    /** Dependency fetches in flight on this link, by request id, so that none is asked twice. */
    private final Map<Long, List<Want>> depFetches = new HashMap<>();

    /** Messages new to us that sync brought on this link. */
    private long received;

    /** The look, {@link #TREE_WAIT_MS} later, at what a digest told that the tree may bring. */
    private Scheduler.Cancellable treeWait;

    /**
     * The look at a digest's news of live messages: 0 at the digest, 1 after {@link #TREE_WAIT_MS}
     * (the tree did not bring them: graft), 2 after a graft's retry time (the graft did not either:
     * ask for all of it by SyncRequest).
     */
    private int treePass;

    /**
     * Once all this link's digests named since its complete one is ours (or live news left for the
     * tree): the link's catch-up is over, and what it names after that is news, live messages the
     * tree brings, not something we missed, to ask for at once.
     */
    private boolean settled;

    /** Whether the link's complete digest came (the first one after it went up). */
    private boolean heardComplete;

    /**
     * What a full hold-back refused of what this link sent, as each origin's highest seq refused
     * (null: nothing), asked again at the next period ({@link #askRefusedAgain}); at most {@link
     * #MAX_REFUSED_ORIGINS} origins.
     */
    private Map<PeerId, Long> refused;

    /**
     * The origins too wide for one frame that this link's digests named by a window, each with its
     * place in the turning of its windows on this link, oldest re-named first; null while none
     * ({@link AntiEntropy#renameWide}).
     */
    private LinkedHashMap<PeerId, WideCursor> wide;

    Link(PeerId id) {
      this.id = id;
    }

    private Object source; // the link's source (its address's key), as the room gave it
    private Object network; // the source's network (e.g. its IPv6 /48), as the room gave it

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

    /** Forgets what the peer holds of {@code origin} (we hold all of it: it tells us nothing). */
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
  }

  /**
   * A source's share of answers: messages answered to its links' requests and grafts while they
   * asked for no more than we hold, less what the time since has refilled.
   */
  static final class Allowance {
    long answered;

    /**
     * Messages its links may still be answered beyond the once part (asks again), refilled each
     * period up to a burst; a new source starts with none, so a fresh key is no fresh budget.
     */
    long askAgain;

    int links; // links of this source that are up

    /**
     * The peer whose link of this source went down within its first period after being answered
     * {@link #lost} from the once part, which its next link gets back ({@link #linkUp}); null:
     * none.
     */
    PeerId lostBy;

    long lost;
  }

  /**
   * Most sources whose allowance is remembered after their links went down (each a few bytes): past
   * it the oldest one with no link up is forgotten (it gets the whole history once more).
   */
  static final int MAX_SOURCES = 4_096;

  /** The time in which a source's "once" allowance refills by a whole history: 10 minutes. */
  static final long ONCE_REFILL_MS = 600_000;

  /** Each source's allowance, oldest first. */
  private final LinkedHashMap<Object, Allowance> sources = new LinkedHashMap<>();

  /** A link came up: its anti-entropy state, which the room hands back with each event. */
  Link linkUp(PeerId peer) {
    return linkUp(peer, peer);
  }

  /**
   * A link came up from {@code source} (an opaque key: links of equal sources share the budget of
   * history answered once, {@link #onRequest}).
   */
  Link linkUp(PeerId peer, Object source) {
    return linkUp(peer, source, source);
  }

  /**
   * As {@link #linkUp(PeerId, Object)}, from {@code source} in {@code network} (an opaque key, e.g.
   * the source's IPv6 /48): a round ends whole only when heard complete from two networks ({@link
   * #roundMaybeOver}).
   */
  Link linkUp(PeerId peer, Object source, Object network) {
    Link l = new Link(peer);
    l.source = source;
    l.network = network;
    Allowance a = sources.get(source);
    if (a == null) {
      if (sources.size() >= MAX_SOURCES) {
        var it = sources.values().iterator();
        while (it.hasNext()) {
          if (it.next().links == 0) {
            it.remove();
            break;
          }
        }
      }
      a = new Allowance();
      sources.put(source, a);
    }
    a.links++;
    if (peer.equals(a.lostBy)) {
      giveBack(a);
    }
    l.once = a;
    links.put(peer, l);
    return l;
  }

  /**
   * The peer's young link that went down was answered {@code a.lost} messages that most likely
   * never arrived, and the peer linked again: what it was charged goes back to the once part,
   * borrowed from the source's asks again, so its next link is answered at once. A late joiner that
   * both dialed and was dialed loses one of two fresh links to the one-link-per-pair tie-break, and
   * the frames in flight on it with it; charged still, the history's answer on the link kept was
   * empty, the rest came one message a period, and the chat showed "caught up 1 message", then the
   * other 29 ten seconds later (session 33: LostAnswerCatchUpTest, ScrollbackProcessTest). Only
   * while the source owes nothing on its asks again, and at most a burst of them: a member that
   * links and drops links over and over is given back one answer a period at most, so the source's
   * budget holds (docs/security.md).
   */
  private void giveBack(Allowance a) {
    long back = Math.min(Math.min(a.lost, a.answered), askAgainBurst());
    a.lostBy = null;
    a.lost = 0;
    if (a.askAgain < 0 || back <= 0) {
      return; // a debt from an earlier give-back: repaid by the refills first
    }
    a.answered -= back;
    a.askAgain -= back;
  }

  /** Refills every source's allowance by a period's share of the history; forgets full ones. */
  private void refillSources() {
    long periods = Math.max(1, ONCE_REFILL_MS / Math.max(1, config.syncIntervalMs()));
    long refill = Math.max(1, holdings.count() / periods);
    var it = sources.values().iterator();
    while (it.hasNext()) {
      Allowance a = it.next();
      a.answered = Math.max(0, a.answered - refill);
      a.askAgain = Math.min(a.askAgain + askAgainRefill(), askAgainBurst());
      if (a.answered == 0 && a.links == 0) {
        it.remove();
      }
    }
  }

  /** What {@code l}'s digests say its peer holds of our own origin (null: nothing said). */
  SeqSet ownHeldBy(Link l) {
    return l.theirs.get(self);
  }

  /** {@link #ownHeldBy} for every up link, in the order they came up. */
  List<SeqSet> ownHeldByLinks() {
    List<SeqSet> out = new ArrayList<>(links.size());
    for (Link l : links.values()) {
      out.add(l.theirs.get(self));
    }
    return out;
  }

  /** Messages new to us that sync brought on {@code l}. */
  long received(Link l) {
    return l.received;
  }

  /**
   * Anti-entropy's state of each author, by its index ({@link AuthorIndex}), in parallel arrays (no
   * object per author: a 10,000-peer room's peers keep 10^8 of these; an object and its reference
   * took 36 bytes; a snapshot {@code 1..n} is a byte, {@link SeqSetSlots}): the latest snapshot of
   * our holdings put in a digest, one immutable copy shared by every link (and, in the simulation,
   * by every receiver), not one copy per link, null while none was taken (holdings only ever grow,
   * so a snapshot is current exactly while its count equals the holdings' count); its place in the
   * {@link #log} is kept there. A message's growth, a digest's snapshot and its log entry cost no
   * lookup or search.
   */
  private final SeqSetSlots snapshots = new SeqSetSlots();

  // when a live message of each author was last stored (see arriving)
  private final LastArrivals grewAt = new LastArrivals(TREE_WAIT_MS);

  /** The snapshots in the order they were taken, for delta digests ({@link SnapshotLog}). */
  private final SnapshotLog log =
      new SnapshotLog(
          renumber -> {
            for (Link l : links.values()) {
              l.toldDigest = renumber.applyAsLong(l.toldDigest);
            }
          });

  /**
   * Authors whose holdings grew since their snapshot was taken ({@link #grew}), oldest first, and
   * which are listed there.
   */
  private int[] grown = new int[8];

  private int grownCount;

  private final BitSet isGrown = new BitSet();

  /**
   * The room's holdings of the author numbered {@code author} grew (or were restored): its snapshot
   * is stale. Every change to the holdings goes through here, or delta digests would miss it until
   * the next complete one.
   */
  void grew(int author) {
    markGrown(author);
  }

  /**
   * A live message of the author numbered {@code author} (pushed, not from a history batch) was
   * stored: its stream is flowing (see {@link #arriving}).
   */
  void arrivedLive(int author) {
    grewAt.arrived(author, scheduler.nowMillis());
  }

  /**
   * Whether a live message of {@code origin} came within the last {@link #TREE_WAIT_MS}: its stream
   * is still flowing, so a gap at its end is a stream we lag behind, not one that stopped.
   */
  private boolean arriving(PeerId origin) {
    int a = authors.indexOf(origin);
    return a >= 0 && grewAt.within(a, scheduler.nowMillis());
  }

  private void markGrown(int author) {
    if (!isGrown.get(author)) {
      isGrown.set(author);
      if (grownCount == grown.length) {
        grown = Arrays.copyOf(grown, 2 * grownCount);
      }
      grown[grownCount++] = author;
    }
  }

  /** Takes a new snapshot of each origin that grew since its last one. */
  private void snapshotGrown() {
    for (int i = 0; i < grownCount; i++) {
      int a = grown[i];
      isGrown.clear(a);
      SeqSet held = holdings.get(a);
      if (held != null) {
        snapshotIfStale(a, held);
      }
    }
    if (grown.length > 64 && grown.length > 4 * grownCount) {
      // a burst's list, four times what this round used: a peer that heard of 10,000 new authors
      // in one period kept a 16,384-long list for good
      grown = new int[Math.max(16, 2 * grownCount)];
    }
    grownCount = 0;
  }

  /**
   * The snapshot of the author numbered {@code a}, taken anew if {@code held} grew since the last.
   */
  private SeqSet snapshotIfStale(int a, SeqSet held) {
    SeqSet snapshot = snapshots.get(a);
    if (snapshot == null || snapshot.count() != held.count()) {
      snapshot = held.snapshot();
      snapshots.set(a, snapshot);
      log.add(a);
    }
    return snapshot;
  }

  /** The authors of the current snapshots taken after {@code version}, oldest first. */
  private int[] snapshotsAfter(long version) {
    return log.after(version);
  }

  /**
   * A link gets a periodic digest at least every this many periods while something changed, even if
   * nothing is known to be owed: a safety net under the rules of {@link #periodic}.
   */
  static final long QUIET_TICKS = 6;

  /** The periodic re-ask of a link whose asks bring nothing waits at most 2^this periods. */
  static final int REASK_BACKOFF_MAX = 4;

  private long ticks; // periodic digest rounds so far

  /**
   * One periodic round: each link gets a delta digest only if it is due. A digest tells the peer
   * what we hold, so that it can ask for what it lacks, and receipts its own messages ("seen by",
   * {@link RoomNotice.Held}). It is due when
   *
   * <ul>
   *   <li>we got something the peer is not known to hold ({@link Link#digestOwed}): what it sent
   *       us, what we pushed to it whole and what its author pushed to it (it is linked to the
   *       author, and an author pushes its own messages whole on every link) need no digest, since
   *       a link is reliable until it resets, and a reset or a new link starts with complete
   *       digests both ways;
   *   <li>we got messages of the peer's own since our last digest, and it has been quiet for half a
   *       period: a peer that keeps talking gets its receipts when it pauses, not every period (the
   *       round looks again when the pause would be long enough, so a script that wrote its last
   *       line hears within about half a period);
   *   <li>{@link #QUIET_TICKS} periods passed with a change of another author untold (an
   *       equivocating author's two versions show in the digests' tips).
   * </ul>
   *
   * In a full mesh where everyone talks, digests are then silent: every message came from its
   * author, which every peer is linked to.
   */
  void periodic() {
    ticks++;
    refillSources();
    for (Link l : links.values()) {
      l.upTicks = Math.min(l.upTicks + 1, 2);
      l.tipBudget = Math.min(l.tipBudget + TIP_COMPARES_PER_PERIOD, TIP_COMPARES_BURST);
      compareTips(l);
      if (l.refused != null) {
        askRefusedAgain(l);
      }
      if (ticks >= l.reaskAt
          && l.inflight.isEmpty()
          && l.depFetches.isEmpty()
          && l.treeWait == null
          && !l.theirs.isEmpty()
          && lag(l) > 0) {
        // what the link's digests named and nothing is asking for: a digest, the tree's wait, a
        // timeout, a link going down and a useful last batch ask, but a fetch's answer cut at
        // syncMaxMessages, a refused batch or an expired fetch does not, and a full mesh's
        // neighbours stop sending digests once they told us all (StalledLagTest). At most one
        // pipeline's worth a period per link; while these asks bring nothing (a peer that claims
        // what it never sends), every 2, 4, 8, then 16 periods
        requestMissing(l);
        l.reaskAt = ticks + (1L << l.reaskMisses);
        l.reaskMisses = Math.min(l.reaskMisses + 1, REASK_BACKOFF_MAX); // never past the cap
      }
      if (l.digestOwed) {
        sendDigest(l, false);
      } else if (receiptOwed(l)) {
        receiptOrLater(l);
      } else if (ticks - l.digestTick >= QUIET_TICKS) {
        if (othersUntold(l)) {
          sendDigest(l, false);
        } else {
          l.digestTick = ticks; // looked: look again in QUIET_TICKS periods
        }
      }
      if (l.wide != null) {
        renameWide(l);
      }
    }
  }

  /**
   * Names {@code l}'s wide origins again, each by its next window, in one incremental digest: at
   * most {@link #WIDE_RENAMES_PER_PERIOD} origins (one frame's ranges) a period, those named
   * longest ago first, none named already this period. Periodic digests carry only what changed, so
   * without this an unchanged wide origin was named once on a link that stays up, its first window,
   * and the peer never learnt of the rest (rev32 FINDING-3). An origin is named again while the
   * current cycle, since it was last named for a change, has not yet named {@code ceil(ranges /
   * WIDE_WINDOW)} consecutive windows (every range once), and begins another cycle if the peer
   * asked for any of it during this one (it may have lost windows replaced before it asked for all
   * they named); after a whole cycle it did not ask in, it is named only when it changes again.
   */
  private void renameWide(Link l) {
    snapshotGrown();
    List<DigestEntry> entries = null;
    int named = 0;
    for (PeerId origin : List.copyOf(l.wide.keySet())) {
      if (named == WIDE_RENAMES_PER_PERIOD) {
        break;
      }
      WideCursor c = l.wide.get(origin);
      int a = authors.indexOf(origin);
      SeqSet snapshot = a < 0 ? null : snapshots.get(a);
      if (snapshot == null || !DigestFrames.tooWide(origin, snapshot)) {
        l.wide.remove(origin); // no longer wide: its changes name it whole
        continue;
      }
      if (c.namedTick == ticks) {
        continue; // named this period already
      }
      long windows = (snapshot.rangeCount() + WIDE_WINDOW - 1L) / WIDE_WINDOW;
      if (c.turn - c.cycleFrom >= windows) {
        if (!c.asked) {
          l.wide.remove(origin); // a whole cycle named and nothing of it asked: the peer has it
          continue;
        }
        c.cycleFrom = c.turn;
        c.asked = false;
      }
      if (entries == null) {
        entries = new ArrayList<>();
      }
      entries.add(entry(l, origin, snapshot, false));
      named++;
    }
    if (l.wide.isEmpty()) {
      l.wide = null;
    }
    if (entries != null) {
      sendParts(l, entries, false);
    }
  }

  /** {@code l}'s peer asked for some of {@code origin}: if it is wide, its windows go on. */
  private static void askedOfWide(Link l, PeerId origin) {
    WideCursor c = l.wide.get(origin);
    if (c != null) {
      c.asked = true;
    }
  }

  /**
   * Whether we hold messages of another origin than ours that our digests have not told {@code l}
   * of. Our own the peer got whole from us; another author's it may hold in another version (an
   * equivocation shows in the digests' tips), so those are told at least every {@link #QUIET_TICKS}
   * periods.
   */
  private boolean othersUntold(Link l) {
    snapshotGrown();
    for (int a : snapshotsAfter(l.toldDigest)) {
      if (!authors.author(a).equals(self)) {
        return true;
      }
    }
    return false;
  }

  /** Sends {@code l}'s receipt if its peer has paused, else looks again when it would have. */
  private void receiptOrLater(Link l) {
    long wait = l.spokeAt + receiptQuietMs() - scheduler.nowMillis();
    if (wait <= 0) {
      sendDigest(l, false);
    } else if (l.receiptTimer == null) {
      l.receiptTimer =
          scheduler.schedule(
              wait,
              () -> {
                l.receiptTimer = null;
                if (links.get(l.id) == l && receiptOwed(l)) {
                  receiptOrLater(l);
                }
              });
    }
  }

  private long receiptQuietMs() {
    return Math.max(1, config.syncIntervalMs() / 2);
  }

  /** Whether we got messages of {@code l}'s peer's own that our digests have not told it of. */
  private boolean receiptOwed(Link l) {
    SeqSet held = holdings.get(l.id);
    if (held == null) {
      return false;
    }
    int a = authors.indexOf(l.id);
    SeqSet snapshot = a < 0 ? null : snapshots.get(a);
    return snapshot == null || snapshot.count() != held.count() || log.versionOf(a) > l.toldDigest;
  }

  /** We got a live message of {@code l}'s peer's own: it is talking now. */
  void spoke(Link l) {
    l.spokeAt = scheduler.nowMillis();
  }

  /** Stops the receipt timers and the waits for the tree (the room stops). */
  void stop() {
    if (roundHold != null) {
      roundHold.cancel();
      roundHold = null;
    }
    for (Link l : links.values()) {
      cancelReceipt(l);
      if (l.treeWait != null) {
        l.treeWait.cancel();
      }
    }
  }

  private static void cancelReceipt(Link l) {
    if (l.receiptTimer != null) {
      l.receiptTimer.cancel();
      l.receiptTimer = null;
    }
  }

  /**
   * Most origins whose refused messages one link keeps to ask again (a hostile link names more).
   */
  static final int MAX_REFUSED_ORIGINS = 64;

  /**
   * A full hold-back refused {@code id}, which {@code l} sent (live, or in a batch): {@code l}
   * holds it and the messages of its origin below it, and is asked for them again at the next
   * period. Nothing else would ask: a batch that brought nothing new leaves its link unasked until
   * its next digest, and a neighbour that told us all it holds, or pushed a message to us whole,
   * sends none (a throughput run at a load of 40 stalled so for minutes, 1,706 messages short of
   * all four neighbours: FullHoldBackBatchTest).
   */
  void refusedForHoldBack(Link l, MessageId id) {
    if (l.refused == null) {
      l.refused = new HashMap<>();
    }
    Long before = l.refused.get(id.origin());
    if (before == null ? l.refused.size() < MAX_REFUSED_ORIGINS : id.seq() > before) {
      l.refused.put(id.origin(), id.seq());
    }
  }

  /**
   * Asks {@code l} again for what a full hold-back refused of it, with what we lack below it: one
   * fetch a period per link while the hold-back stays full (its answer is refused again and
   * recorded again), so a peer whose messages we keep refusing costs a fetch a period, not a storm.
   */
  private void askRefusedAgain(Link l) {
    Set<MessageId> ids = new HashSet<>();
    l.refused.forEach((origin, seq) -> ids.add(new MessageId(origin, seq)));
    l.refused = null;
    requestIds(l, ids, id -> false);
  }

  /** We got something {@code l}'s peer is not known to hold. */
  void owe(Link l) {
    l.digestOwed = true;
  }

  /**
   * Sends our digest: everything if {@code complete}, else only what changed since the last digest
   * on this link (snapshots newer than the link's {@link Link#toldDigest}): one version number per
   * link, not a per-link copy of every origin's holdings, which would grow with links × origins
   * (docs/decisions/0009-per-author-state.md).
   */
  void sendDigest(Link l, boolean complete) {
    snapshotGrown();
    List<DigestEntry> entries = new ArrayList<>();
    if (complete) {
      entries = completeEntries(l);
    } else {
      for (int a : snapshotsAfter(l.toldDigest)) {
        entries.add(entry(l, authors.author(a), snapshots.get(a), true));
      }
    }
    l.toldDigest = log.latest();
    l.digestOwed = false;
    l.digestTick = ticks;
    if (complete || !entries.isEmpty()) {
      sendParts(l, entries, complete);
    }
  }

  /**
   * Most entries in one Digest frame: the protocol's bound, which the codec enforces on what it
   * receives (LinkCodec.MAX_DIGEST_ENTRIES); we never send over it (rev31 FINDING-7).
   */
  static final int FRAME_MAX_ENTRIES = DigestFrames.MAX_ENTRIES;

  /**
   * Most seq ranges in one Digest frame, one per entry plus its {@code beyond} ranges: the
   * protocol's bound (LinkCodec.MAX_DIGEST_RANGES).
   */
  static final int FRAME_MAX_RANGES = DigestFrames.MAX_RANGES;

  /** Ranges named of an origin too wide for one frame ({@link #window}). */
  static final int WIDE_WINDOW = DigestFrames.WIDE_WINDOW;

  /**
   * Cursors of wide origins begun so far, over all links: a new link's first window of an origin
   * starts where this says, so links that come and go name different windows too.
   */
  private long wideTurns;

  /**
   * Most wide origins re-named on one link a period ({@link #renameWide}): one frame's worth of
   * ranges.
   */
  static final int WIDE_RENAMES_PER_PERIOD = FRAME_MAX_RANGES / WIDE_WINDOW;

  /**
   * Sends {@code entries} in as many Digest frames as the protocol's bounds and the frame limit
   * need, in order ({@link DigestFrames#parts}: by counts and by encoded bytes): the first carries
   * {@code complete} (the receiver forgets what it knew and takes it), the others {@code complete =
   * false} (incremental: added to it), so a peer holding more origins than one frame may name (keys
   * are free: 10,001 throwaway authors), or origins whose ranges are long on the wire (seqs near
   * 2^60: 22 bytes a range, rev32 FINDING-1), still sends only frames every peer accepts and the
   * link can send (docs/protocol.md, "Anti-entropy").
   */
  private void sendParts(Link l, List<DigestEntry> entries, boolean complete) {
    List<Digest> parts = DigestFrames.parts(entries, complete);
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        counters.increment(Counter.DIGEST_PARTS); // each frame beyond the first
      }
      effects.send(l.id, parts.get(i));
    }
  }

  /** The ranges an entry costs on the wire: one for its contiguous prefix, plus its beyond. */
  static long rangesOf(SeqSet held) {
    return DigestFrames.rangesOf(held);
  }

  /**
   * An entry per origin held ({@link Holdings#inOrder}): a link that comes up (or resets: 9,700
   * times in a 1,000-peer run with 0.1% loss) gets one, and each origin's state is read by index,
   * with no lookup.
   */
  private List<DigestEntry> completeEntries(Link l) {
    int[] order = holdings.inOrder();
    List<DigestEntry> entries = new ArrayList<>(order.length);
    for (int a : order) {
      entries.add(entry(l, authors.author(a), snapshotIfStale(a, holdings.get(a)), true));
    }
    return entries;
  }

  /**
   * {@code origin}'s entry on {@code l}: its held seqs, or the next window of them on this link if
   * too wide for a frame. {@code changed}: named because it changed (or in a complete digest), not
   * re-named by {@link #renameWide}: a new cycle of windows begins.
   */
  private DigestEntry entry(Link l, PeerId origin, SeqSet snapshot, boolean changed) {
    if (DigestFrames.tooWide(origin, snapshot)) {
      if (l.wide == null) {
        l.wide = new LinkedHashMap<>();
      }
      WideCursor c = l.wide.remove(origin); // re-put: the last named goes last
      if (c == null) {
        c = new WideCursor(wideTurns++); // each new link starts at another window
      } else if (changed) {
        c.cycleFrom = c.turn; // its ranges moved: a whole cycle again from here
        c.asked = false;
      }
      l.wide.put(origin, c);
      c.namedTick = ticks;
      snapshot = window(snapshot, c.turn++);
    }
    Equivocations.Tip tip = equivocations.tipOf(origin, snapshot);
    return tip == null
        ? new DigestEntry(origin, snapshot)
        : new DigestEntry(origin, snapshot, tip.seq(), tip.hash());
  }

  /**
   * Part of {@code held}, an origin too wide for one frame ({@link DigestFrames#tooWide}: more gaps
   * than one frame may name, or gaps whose seqs make them too many bytes; one key delivering every
   * other seq, each with its own head): {@link #WIDE_WINDOW} of its ranges from the {@code turn}-th
   * ({@code turn * WIDE_WINDOW} modulo its range count, wrapping), so that consecutive turns name
   * consecutive windows, and every range is named in {@code ceil(ranges / WIDE_WINDOW)} of them: a
   * link names the next turn each time it names the origin ({@link #entry}), and keeps naming it a
   * period at a time until it did so ({@link #renameWide}). A subset: we never name a seq we do not
   * hold. The window is well below a frame's bounds so that it also fits the receiver's 65,536
   * ranges kept per link ({@link Link#MAX_THEIRS_RANGES}) beside the other origins it lacks.
   */
  private SeqSet window(SeqSet held, long turn) {
    counters.increment(Counter.DIGEST_WIDE_ORIGINS);
    return DigestFrames.window(held, turn);
  }

  /**
   * Takes {@code l}'s digest; false, taking nothing, if it names an origin twice (the protocol says
   * each origin at most once: the room refuses the link). A digest may hold 10,000 entries, and one
   * origin named 10,000 times would otherwise be 10,000 tips to compare (rev29 F7).
   */
  boolean onDigest(Link l, Digest d) {
    Set<PeerId> origins = new HashSet<>(2 * d.entries().size());
    for (DigestEntry e : d.entries()) {
      if (!origins.add(e.origin())) {
        return false;
      }
    }
    if (d.complete()) {
      l.clearTheirs();
      l.heardComplete = true;
      l.settled = false; // what it names is what we missed, until we asked for all of it
    }
    for (DigestEntry e : d.entries()) {
      SeqSet theirs = below(e.held(), equivocations.frozenAt(e.origin()));
      if (nothingNew(e.origin(), theirs)) {
        l.dropTheirs(e.origin());
      } else if (!l.putTheirs(e.origin(), theirs)) {
        // kept as is, never changed: a decoded digest is ours alone, a simulated one is a snapshot
        counters.increment(Counter.DIGEST_ENTRIES_IGNORED);
      }
      if (e.tipSeq() > 0) {
        noteTip(l, e.origin(), e.tipSeq(), e.tipHash());
      }
    }
    compareTips(l);
    requestMissing(l);
    return true;
  }

  /**
   * {@code l}'s digest named {@code origin}'s tip: to be compared with our chain unless it is the
   * tip last found equal there, or we do not hold that seq (nothing to compare it with: no store
   * read, as before).
   */
  private void noteTip(Link l, PeerId origin, long seq, byte[] hash) {
    TipSeen matched = l.tipsMatched.get(origin);
    if (matched != null && matched.same(seq, hash)) {
      l.tipsPending.remove(origin); // an older tip waiting is superseded by this one, known equal
      return;
    }
    if (!holdings.contains(origin, seq) || seq >= equivocations.frozenAt(origin)) {
      l.tipsPending.remove(origin);
      return;
    }
    l.tipsPending.put(origin, new TipSeen(seq, hash));
  }

  /**
   * Compares {@code l}'s waiting tips with our chain, oldest first, within the link's budget; a tip
   * that differs has {@code l} asked for its version ({@link #fetchToCompare}). One found equal is
   * remembered, so an honest peer's unchanged tips cost nothing in its next digests.
   */
  private void compareTips(Link l) {
    if (l.tipsPending.isEmpty()) {
      return;
    }
    var it = l.tipsPending.entrySet().iterator();
    while (it.hasNext() && l.tipBudget > 0) {
      Map.Entry<PeerId, TipSeen> e = it.next();
      it.remove();
      PeerId origin = e.getKey();
      TipSeen tip = e.getValue();
      if (!holdings.contains(origin, tip.seq())) {
        continue; // forgotten meanwhile (a wiped store's restore): nothing to compare with
      }
      l.tipBudget--;
      SeqRange differ = equivocations.compare(origin, tip.seq(), tip.hash());
      if (differ != null) {
        fetchToCompare(l, origin, differ);
      } else {
        l.tipsMatched.put(origin, tip);
      }
    }
    if (!l.tipsPending.isEmpty()) {
      counters.increment(Counter.DIGEST_TIPS_DEFERRED);
    }
  }

  /**
   * Whether a link's holdings {@code theirs} of {@code origin} tell us nothing: we hold all of it
   * already (holdings only grow), and it is not our own origin, whose entries are receipts ("seen
   * by", the self-fork check). Such an entry is not kept per link.
   */
  private boolean nothingNew(PeerId origin, SeqSet theirs) {
    if (origin.equals(self)) {
      return false;
    }
    SeqSet held = holdings.get(origin);
    return theirs.isEmpty() || (held != null && held.containsAll(theirs));
  }

  /** {@code held} without the seqs at or above {@code frozen} (a disputed history is not asked). */
  private static SeqSet below(SeqSet held, long frozen) {
    if (held.max() < frozen) {
      return held;
    }
    SeqSet out = new SeqSet();
    for (SeqRange r : held.ranges()) {
      if (r.first() < frozen) {
        out.addRange(r.first(), Math.min(r.last(), frozen - 1));
      }
    }
    return out;
  }

  /**
   * {@code origin} was just proven to equivocate: what links said they hold of it at or above the
   * frozen seq is forgotten, and our next digests tell every link our tip below it.
   */
  void frozen(PeerId origin) {
    long at = equivocations.frozenAt(origin);
    for (Link l : links.values()) {
      SeqSet theirs = l.theirs.get(origin);
      if (theirs != null) {
        l.putTheirs(origin, below(theirs, at));
      }
      l.digestOwed = true; // every link hears our tip below the frozen seq next round
    }
    int a = authors.indexOf(origin);
    if (a < 0) {
      return; // nothing held of it: no snapshot to refresh
    }
    log.clear(a);
    snapshots.set(a, null);
    markGrown(a);
  }

  /**
   * The room no longer holds some messages of the author numbered {@code a} (a write the store
   * rolled back took them): its snapshot is taken anew, so that digests tell what we hold now.
   */
  void unheld(int a) {
    log.clear(a);
    snapshots.set(a, null);
    markGrown(a);
  }

  /**
   * {@code l}'s peer holds {@code seqs} of {@code origin}, which we lack: it sent them, and a write
   * the store rolled back took them. The periodic round asks it for them again, whether or not the
   * store takes rows again by then (an ask that brings nothing backs off, as for any link that
   * names what it does not send).
   */
  void theyHold(Link l, PeerId origin, SeqSet seqs) {
    if (links.get(l.id) != l || seqs.isEmpty()) {
      return;
    }
    SeqSet theirs = l.theirs.get(origin);
    SeqSet more = theirs == null ? new SeqSet() : theirs.copy(); // a digest's sets are not ours
    for (SeqRange r : seqs.ranges()) {
      more.addRange(r.first(), r.last());
    }
    l.putTheirs(origin, more);
  }

  /**
   * Asks {@code l} for its version of {@code range} of {@code origin}, which we hold, because its
   * digest's tip differs from our chain there: the answer's conflicting messages and heads make the
   * proof ({@link Equivocations}). Counted against the link's dependency-fetch budget.
   */
  private void fetchToCompare(Link l, PeerId origin, SeqRange range) {
    if (l.depFetches.size() >= MAX_DEP_FETCHES) {
      counters.increment(Counter.DEP_FETCH_BUDGET);
      return;
    }
    sendDepFetch(l, List.of(new Want(origin, range)));
  }

  /**
   * Sends {@code wants} to {@code l} as a dependency fetch, apart from the link's one big sync
   * request (a fetch must not wait for it). Unanswered within the sync timeout, it frees its budget
   * and its ranges, so another link may be asked.
   */
  private void sendDepFetch(Link l, List<Want> wants) {
    long id = nextRequestId++;
    l.depFetches.put(id, wants);
    asked.add(id, wants);
    scheduler.schedule(
        config.syncRequestTimeoutMs(),
        () -> {
          if (l.depFetches.remove(id) != null) {
            asked.remove(id, wants);
            counters.increment(Counter.DEP_FETCH_EXPIRED);
          }
        });
    effects.send(l.id, new SyncRequest(id, wants, config.syncMaxMessages()));
  }

  /**
   * The room's author quota: what it holds an author at is neither asked for nor grafted, as a
   * frozen history is not; once the hold ends, the next round asks for it.
   */
  void quota(AuthorQuota q) {
    this.quota = q;
  }

  /** How many messages that came by a link wait for their dependencies (the room's hold-back). */
  void heldVia(ToIntFunction<PeerId> heldVia) {
    this.heldVia = heldVia;
  }

  /**
   * Whether a new author held here ({@link AuthorQuota#isHeldNew}) is refused to links of a source:
   * only those are not asked for it; the room's ({@link Room}: the sources that were refused it).
   */
  void refusedNew(BiPredicate<PeerId, Object> refusedNew) {
    this.refusedNew = refusedNew;
  }

  private BiPredicate<PeerId, Object> refusedNew = (origin, source) -> true;

  /**
   * The most messages {@code l} may be asked for now: unbounded while no other link has a request
   * in flight and nothing that came by {@code l} waits; else what its share of the hold-back
   * ({@link RoomConfig#maxHeldPerLink}) has left after the messages held that came by it and those
   * it was asked for and has not sent yet. Requests on several links at once (a partition healing:
   * every link across names what we lack) ask each for other slices of time, and a slice whose
   * earlier one is still on its way on another link waits whole: past the link's share the rest is
   * refused, and asked and sent again (session 33: a quarter of the 100 x 100 run's sync batch
   * messages). A link asked for nothing so is asked again when another link's request ends.
   */
  private long holdBackRoom(Link l) {
    boolean others = false;
    for (Link x : links.values()) {
      if (x != l && !x.inflight.isEmpty()) {
        others = true;
        break;
      }
    }
    int held = heldVia.applyAsInt(l.id);
    if (!others && held == 0) {
      return Long.MAX_VALUE; // a catch-up from one link, in causal order: nothing waits
    }
    long room = (long) config.maxHeldPerLink() - held;
    for (Inflight r : l.inflight.values()) {
      room -= r.count;
    }
    return room;
  }

  /** {@code missing} of {@code origin} without the seqs at or above where its quota holds it. */
  private List<SeqRange> belowQuota(PeerId origin, List<SeqRange> missing) {
    return belowQuota(origin, missing, null);
  }

  /**
   * As {@link #belowQuota(PeerId, List)}, to ask of {@code l} (null: of any link): a new author
   * held for the sources that were refused it is held for those only, and a link of another source
   * may be asked for it (decided then by that source's budget). Until session 35 nothing of it was
   * asked of anyone for the hour, and an honest catch-up from another source waited the hour.
   */
  private List<SeqRange> belowQuota(PeerId origin, List<SeqRange> missing, Link l) {
    if (!quota.anyHeld() || missing.isEmpty()) {
      return missing; // the common case: no lookup
    }
    if (!quota.isHeld(origin)) {
      return missing;
    }
    long at =
        l != null && quota.isHeldNew(origin) && !refusedNew.test(origin, l.source)
            ? quota.heldAtOverQuota(origin)
            : quota.heldAt(origin);
    if (missing.get(missing.size() - 1).last() < at) {
      return missing;
    }
    List<SeqRange> out = new ArrayList<>();
    for (SeqRange r : missing) {
      if (r.first() < at) {
        out.add(new SeqRange(r.first(), Math.min(r.last(), at - 1)));
      }
    }
    return out;
  }

  /**
   * Asks {@code l} for the next chunks of what it holds and we lack, up to {@link
   * RoomConfig#syncPipeline} in flight: the peer answers the next chunk while we store and deliver
   * the one before (with one request at a time, each side of a catch-up sat idle half the time).
   */
  private void requestMissing(Link l) {
    while (l.inflight.size() < config.syncPipeline() && requestNext(l)) {
      // each request asks for what no earlier one did (known() counts what is asked)
    }
  }

  /**
   * Asks {@code l} for the next chunk of what it holds and we lack; false if nothing is lacking.
   */
  private boolean requestNext(Link l) {
    // The budget is shared among origins in proportion to what each lacks: authors who talked
    // at similar rates then arrive as one slice of time, so a batch's messages mostly find their
    // dependencies in the same batch instead of being held back (and fetched again) one by one.
    Map<PeerId, List<SeqRange>> lacking = new HashMap<>();
    long budget = config.syncMaxMessages();
    if (!l.askedOnce && config.syncFirstMessages() > 0) {
      budget = Math.min(budget, config.syncFirstMessages()); // a slow start (RoomConfig)
    }
    long totalLack = 0; // each origin's lack counted up to the budget: the sum cannot overflow
    List<PeerId> drop = null;
    boolean caughtUp = true; // all the link named is ours, or live news left for the tree
    for (Map.Entry<PeerId, SeqSet> e : l.theirs.entrySet()) {
      if (nothingNew(e.getKey(), e.getValue())) {
        // we got all of it meanwhile: forget the entry (and skip known(), which scans the links)
        if (drop == null) {
          drop = new ArrayList<>();
        }
        drop.add(e.getKey());
        continue;
      }
      SeqSet held = holdings.get(e.getKey());
      if (held != null && held.containsAll(e.getValue())) {
        continue; // our own origin: nothing lacking
      }
      List<SeqRange> missing =
          belowQuota(e.getKey(), known(e.getKey()).missingFrom(e.getValue()), l);
      if (missing.isEmpty() && quota.isHeld(e.getKey())) {
        continue; // all it names that we lack is over its author's quota here: nothing to ask
      }
      boolean few = size(missing) <= TREE_WAIT_MAX_MESSAGES;
      // our own origin is never news on a tree: what a digest names of it beyond what we hold is
      // ours lost (a restored store) or someone else's under our key, asked for and checked at once
      boolean latest =
          !missing.isEmpty()
              && l.treePass < 2
              && !e.getKey().equals(self)
              && beyondAll(held, missing);
      boolean onTree = latest && tree.onTreeOf(e.getKey());
      // The author's latest messages: live ones, which the tree brings. The digest is an IHave
      // (Plumtree): graft its link for a few of them if our parent on this author's tree is gone
      // (a crash upstream: nothing is on its way), or once the tree did not bring them in a
      // graft's time; ask by SyncRequest only if the graft did not bring them either. More than a
      // few, while the parent is up, are a live stream we lag behind (a busy full mesh): they get
      // the tree's time too, then are asked for. Off the tree and named while this link still
      // tells us what we missed (its complete digest: a catch-up), they are asked for at once.
      if (latest && (few || (onTree && l.treePass == 0)) && (onTree || l.settled)) {
        boolean parentGone = !onTree && held != null && !held.isEmpty();
        if (few && (l.treePass == 1 || parentGone)) {
          tree.graftFrom(l.id, ids(e.getKey(), missing));
        }
        waitForTree(l, l.treePass == 0 ? TREE_WAIT_MS : Broadcast.GRAFT_RETRY_MS, l.treePass + 1);
        continue;
      }
      if (latest && onTree && l.treePass == 1 && arriving(e.getKey())) {
        // More than a few behind on a stream that is still flowing (its messages keep arriving):
        // they are on their way, and asking would bring them twice. On a busy box that is the
        // storm: the asks' batches slow the live path, which lags more, which asks more. Look
        // again after the tree's time; ask once the stream stops.
        waitForTree(l, TREE_WAIT_MS, 1);
        continue;
      }
      caughtUp = false; // lacking, or asked and not here yet
      if (!missing.isEmpty()) {
        lacking.put(e.getKey(), missing);
        totalLack += Math.min(budget, size(missing));
      }
    }
    if (drop != null) {
      drop.forEach(l::dropTheirs);
    }
    if (caughtUp && l.heardComplete) {
      l.settled = true; // what it names from now on is news
    }
    List<Want> wants = new ArrayList<>();
    budget = Math.min(budget, totalLack);
    long room = holdBackRoom(l);
    if (room < budget) {
      l.heldCapped = true; // asked again when a request elsewhere ends (onBatch)
      budget = Math.max(0, room);
    }
    long left = budget;
    // Whatever a digest claims (10,000 origins, 2^62 messages each), one request stays within
    // the protocol's limits: at most MAX_WANTS wants and syncMaxMessages messages.
    for (Map.Entry<PeerId, List<SeqRange>> e : lacking.entrySet()) {
      long lack = Math.min(budget, size(e.getValue()));
      long share = Math.min(left, Math.max(1, budget * lack / totalLack));
      for (SeqRange r : e.getValue()) {
        if (share == 0 || wants.size() == MAX_WANTS) {
          break;
        }
        long take = Math.min(share, r.size());
        wants.add(new Want(e.getKey(), new SeqRange(r.first(), r.first() + take - 1)));
        share -= take;
        left -= take;
      }
      if (left == 0 || wants.size() == MAX_WANTS) {
        if (lacking.size() > wants.size()) {
          counters.increment(Counter.WANTS_CAPPED);
        }
        break;
      }
    }
    if (wants.isEmpty()) {
      return false;
    }
    l.askedOnce = true;
    long id = nextRequestId++;
    Inflight request = new Inflight(wants, budget - left);
    l.inflight.put(id, request);
    asked.add(id, wants);
    request.timer = scheduler.schedule(config.syncRequestTimeoutMs(), () -> timedOut(l, id));
    effects.send(l.id, new SyncRequest(id, wants, config.syncMaxMessages()));
    return true;
  }

  /**
   * Whether {@code missing} (not empty) is only its author's latest messages, beyond all we hold
   * ({@code held}, no gap below; or a new author's first ones): live messages that the tree brings.
   */
  private static boolean beyondAll(SeqSet held, List<SeqRange> missing) {
    return held == null
        || held.isEmpty()
        || (held.rangeCount() == 1 && missing.get(0).first() > held.max());
  }

  private static List<MessageId> ids(PeerId origin, List<SeqRange> ranges) {
    List<MessageId> out = new ArrayList<>();
    for (SeqRange r : ranges) {
      for (long s = r.first(); s <= r.last(); s++) {
        out.add(new MessageId(origin, s));
      }
    }
    return out;
  }

  /**
   * Looks at {@code l}'s news again {@code delayMs} from now, in {@code pass} (1: graft what the
   * tree did not bring; 2: ask for all of it), unless a look is already due.
   */
  private void waitForTree(Link l, long delayMs, int pass) {
    if (l.treeWait != null) {
      return;
    }
    l.treeWait =
        scheduler.schedule(
            delayMs,
            () -> {
              l.treeWait = null;
              if (links.get(l.id) == l) {
                l.treePass = pass;
                requestMissing(l);
                l.treePass = 0;
              }
            });
  }

  /**
   * The request {@code id} on {@code l} got no final batch in time: forget it and ask the other
   * links. {@code l} itself is asked again only after its next digest, so a peer that went silent
   * is not asked again and again. A batch that still arrives later is accepted as usual.
   */
  private void timedOut(Link l, long id) {
    if (!l.inflight.containsKey(id)) {
      return;
    }
    endRequest(l, id);
    for (Link other : links.values()) {
      if (other != l) {
        requestMissing(other);
      }
    }
    roundMaybeOver();
  }

  /** How many seqs {@code ranges} hold; saturates rather than wraps (a digest may claim 2^62). */
  private static long size(List<SeqRange> ranges) {
    long n = 0;
    for (SeqRange r : ranges) {
      n = saturatingAdd(n, r.size());
    }
    return n;
  }

  /** {@code a + b} for counts of at most 2^62 each, stopping at 2^62 instead of wrapping. */
  private static long saturatingAdd(long a, long b) {
    return a >= WireBounds.MAX_SEQ - b ? WireBounds.MAX_SEQ : a + b;
  }

  /** What we hold of {@code origin} plus what is already asked of some link. */
  private SeqSet known(PeerId origin) {
    SeqSet held = holdings.get(origin);
    SeqSet known = held == null ? new SeqSet() : held.copy();
    asked.addTo(known, origin);
    return known;
  }

  void requestMissingFromAll() {
    for (Link l : links.values()) {
      requestMissing(l);
    }
  }

  /**
   * Asks {@code from} for the dependencies a held message waits on (the link that delivered it has
   * delivered them). A gap in one origin's sequence is asked for as one range.
   */
  void requestIds(Link from, Set<MessageId> missing, Predicate<MessageId> isHeld) {
    Map<PeerId, SeqSet> ask = new HashMap<>();
    for (MessageId id : missing) {
      SeqSet held = holdings.get(id.origin());
      if (isHeld.test(id) || (held != null && held.contains(id.seq()))) {
        continue; // cheap checks first: known() scans every link
      }
      SeqSet known = known(id.origin());
      if (known.contains(id.seq())) {
        continue;
      }
      // the dep and its author's earlier messages (it waits for those too), minus what we hold
      // or have asked already: a catch-up holding back many messages asks each range once
      SeqSet upTo = new SeqSet();
      upTo.addRange(1, id.seq());
      List<SeqRange> lack = belowQuota(id.origin(), known.missingFrom(upTo), from);
      SeqSet want = ask.computeIfAbsent(id.origin(), o -> new SeqSet());
      lack.forEach(r -> want.addRange(r.first(), r.last()));
    }
    List<Want> all = new ArrayList<>();
    ask.forEach((o, s) -> s.ranges().forEach(r -> all.add(new Want(o, r))));
    if (all.isEmpty()) {
      return;
    }
    if (from.depFetches.size() >= MAX_DEP_FETCHES) {
      // the held message waits for its timeout, or for anti-entropy to bring its deps
      counters.increment(Counter.DEP_FETCH_BUDGET);
      return;
    }
    List<Want> wants = all;
    if (wants.size() > MAX_WANTS) {
      counters.increment(Counter.WANTS_CAPPED);
      wants = List.copyOf(all.subList(0, MAX_WANTS));
    }
    sendDepFetch(from, wants);
  }

  /**
   * Answers with at most the asked number of messages, in frames of bounded size. An answer that
   * fits one frame goes as one. A larger one (long lines, or a peer that asks for more than a frame
   * holds) is cut into slices of time, not by want: the wants come one origin after another, and
   * frames cut in that order carried one author's messages first, each waiting at the receiver for
   * the other authors' earlier ones in a later frame. A catch-up of 1,000-byte lines held back more
   * than a link's budget of them, the budget refused the rest, and the receiver asked for them
   * again and again: 5,000 such lines had not arrived after two minutes, and 20,000 short ones
   * asked for 2,048 at a time crossed the wire 80 times (docs/benchmarks.md, session 21).
   */
  /**
   * Most frames of {@link RoomConfig#batchMaxBytes} one answer sends, whatever its message count:
   * 2,048 lines of 9 KiB were 18 MiB in one burst, over the link's send queue bound (16 MiB), and
   * the link was cut as a reader too far behind at every ask (rev28 F9). Four frames a request,
   * four requests in flight: 12 MiB at most queued by answers to one link with the product's
   * frames, while 2,048 lines of 1 KB (2.2 MB) still go whole. An answer cut short is asked again
   * for the rest, and the runs its frames extend to their heads may then travel twice
   * (SyncSlicesTest).
   */
  static final int ANSWER_FRAMES = 4;

  /**
   * Most bytes of messages read for one answer (by {@link ChatMessage#frameBytesBound}), whose
   * first {@link #ANSWER_FRAMES} frames in canonical order are sent: long lines are read only so
   * far, short ones are read whole, so that the frames sent are slices of time across the authors
   * (SyncSlicesTest), not one author's lines waiting at the asker for the others'.
   */
  static final long ANSWER_READ_BYTES = 16L << 20;

  /**
   * A pipeline's worth of messages a period: what an honest peer asks again at most (a full
   * hold-back's refusals, a periodic ask of a stalled lag, a live message that crossed its ask).
   */
  /** What {@code l} may be answered beyond the once part: its source's, once up a whole period. */
  private static long askAgainOf(Link l) {
    return l.upTicks >= 2 ? Math.max(0, l.once.askAgain) : 0;
  }

  private long askAgainRefill() {
    return (long) config.syncMaxMessages() * config.syncPipeline();
  }

  private long askAgainBurst() {
    return 2 * askAgainRefill();
  }

  /**
   * Answers a request, within the link's budget: each message we hold once for the link's life
   * (every peer may fetch our whole history over each link), plus {@link #askAgainRefill} a period
   * for asks again. A member that asks for the same history over and over in a loop (20,000 frames
   * a second pass the rate limit, each worth {@code syncMaxMessages} store reads) gets a short or
   * empty answer past it, which an honest requester reads as "nothing new" and stops asking.
   */
  void onRequest(Link l, SyncRequest r) {
    int asked =
        r.maxMessages() <= 0 // 0: "as many as you allow"; below it only a hostile asker's
            ? config.syncMaxMessages()
            : Math.min(r.maxMessages(), config.syncMaxMessages());
    long once = Math.max(0, holdings.count() - l.once.answered);
    int limit = (int) Math.min(asked, once + askAgainOf(l));
    int allowed = limit;
    List<ChatMessage> answer = new ArrayList<>();
    // each message's frame bound, counted once here for the answer's frames (ChainedChunk.bounds);
    // grown as the answer grows: most requests are answered with a few messages or none, and an
    // array sized for the limit up front (4 KiB for an honest ask of 512) was about 100 MB of the
    // 2.8 GB a 100 x 100 simulation allocated (docs/benchmarks.md, session 32)
    long[] bounds = new long[Math.min(limit, 16)];
    long bytes = 0;
    wants:
    for (Want w : r.wants()) {
      if (l.wide != null) {
        askedOfWide(l, w.origin());
      }
      if (limit == 0) {
        break;
      }
      SeqSet held = holdings.get(w.origin());
      if (held == null || !held.intersects(w.range().first(), w.range().last())) {
        // nothing of it is here: no store read (a request may name 1,024 wants, rev27 F7)
        continue;
      }
      for (ChatMessage m : store.range(w.origin(), w.range(), limit)) {
        if (equivocations.disputed(m.id())) {
          break; // ascending: the rest of this want is disputed too
        }
        long b = m.frameBytesBound();
        if (bytes + b > ANSWER_READ_BYTES && !answer.isEmpty()) {
          break wants; // 2,048 lines of 64 KiB would be 128 MiB in memory for 1.5 MiB sent
        }
        if (answer.size() == bounds.length) {
          bounds = Arrays.copyOf(bounds, Math.max(1, bounds.length * 2));
        }
        bounds[answer.size()] = b;
        answer.add(m);
        bytes += b;
        limit--;
      }
    }
    if (allowed < asked && answer.size() == allowed) {
      counters.increment(Counter.SYNC_ANSWER_BUDGET); // cut by the budget, not by what it wanted
    }
    int sent =
        ChainedChunk.answer(
            store,
            effects,
            l.id,
            r.requestId(),
            answer,
            Arrays.copyOf(bounds, answer.size()),
            config.batchMaxBytes(),
            ANSWER_FRAMES);
    long fromOnce = Math.min(sent, once);
    l.onceCharged += fromOnce;
    l.once.answered += fromOnce;
    l.once.askAgain -= sent - fromOnce;
  }

  /**
   * Answers a Graft (Plumtree) for {@code ids} with the ones we hold, as batches of request id
   * {@code requestId} ({@link ChainedChunk}), within the same per-link budget and caps as {@link
   * #onRequest}: a Graft asks for history too (256 ids a frame), and answered whole at every frame
   * it let a member have the same messages read and sent again and again, outside that budget
   * (rev29 F8). An honest graft asks for a few live messages it missed, each new to the link's
   * answers (the budget's once-per-link part grows with every message we get). Ids we do not hold,
   * or hold disputed, cost no store read.
   */
  void onGraft(Link l, List<MessageId> ids, long requestId) {
    long once = Math.max(0, holdings.count() - l.once.answered);
    long allowed = Math.min(ids.size(), once + askAgainOf(l));
    long limit = allowed;
    List<ChatMessage> found = new ArrayList<>();
    long bytes = 0;
    for (MessageId id : ids) {
      if (l.wide != null) {
        askedOfWide(l, id.origin());
      }
      if (limit == 0) {
        break;
      }
      if (!holdings.contains(id.origin(), id.seq()) || equivocations.disputed(id)) {
        continue;
      }
      ChatMessage m = store.get(id).orElse(null);
      if (m == null) {
        continue;
      }
      long b = m.frameBytesBound();
      if (bytes + b > ANSWER_READ_BYTES && !found.isEmpty()) {
        break;
      }
      found.add(m);
      bytes += b;
      limit--;
    }
    if (allowed < ids.size() && found.size() == allowed) {
      counters.increment(Counter.SYNC_ANSWER_BUDGET); // cut by the budget
    }
    if (found.isEmpty()) {
      return; // unlike a sync request, a Graft waits for no answer
    }
    found.sort(Comparator.comparing((ChatMessage m) -> m.origin()).thenComparingLong(m -> m.seq()));
    int sent =
        ChainedChunk.answer(
            store, effects, l.id, requestId, found, config.batchMaxBytes(), ANSWER_FRAMES);
    long fromOnce = Math.min(sent, once);
    l.onceCharged += fromOnce;
    l.once.answered += fromOnce;
    l.once.askAgain -= sent - fromOnce;
  }

  void onBatch(Link l, SyncBatch b) {
    // A batch comes grouped by origin. Taking it in canonical order, which respects causality,
    // avoids needless hold-backs and keeps a fresh joiner from seeing its catch-up as "late".
    List<ChatMessage> ordered = new ArrayList<>(b.messages());
    ordered.sort(ChatMessage.CANONICAL);
    int fresh = acceptor.acceptBatch(ordered, b.heads(), l.id);
    l.received += fresh;
    if (fresh > 0) {
      l.reaskMisses = 0; // the link brings what we lack: the periodic round may ask it every period
    }
    Inflight request = l.inflight.get(b.requestId());
    if (request != null) {
      request.fresh += fresh;
    }
    if (b.done()) {
      List<Want> fetch = l.depFetches.remove(b.requestId());
      if (fetch != null) {
        asked.remove(b.requestId(), fetch);
      }
    }
    if (!b.done() || request == null) {
      return;
    }
    boolean useful = request.fresh > 0;
    endRequest(l, b.requestId());
    askCapped(l);
    // a receipt at no extra round trip (sent only if something changed): the sender learns now,
    // not a period later, that its messages arrived, so a script lingering at the end of its input
    // leaves seconds sooner
    sendDigest(l, false);
    long lag = lag(l);
    if (useful && l.received + lag > PROGRESS_THRESHOLD && lag > 0) {
      effects.notice(new RoomNotice.SyncProgress(l.id, l.received, l.received + lag));
    }
    if (useful) {
      // a request that brought nothing new is not asked again until the peer's next digest: a
      // peer that claims what it never sends must not keep us asking at round-trip speed
      requestMissing(l);
    }
    roundMaybeOver();
  }

  /**
   * Ends the catch-up round with one {@link RoomNotice.CaughtUp} of all it brought, once nothing is
   * in flight (its last batch came, it timed out, or its link went down) and no link names anything
   * more that we lack and may ask for: a round is not declared over while we know it is not. A
   * link's answer cut by its budget (empty or short) while its digest names more is asked again at
   * the periodic round; what that brings joins the round. Liveness wins over one block: a round
   * held {@link #ROUND_HOLD_PERIODS} periods ends anyway (a peer that claims what it never sends
   * must not keep the caught-up lines off the screen), and so does one whose lacking link went down
   * or timed out. Until session 33 the round ended at the first moment nothing was in flight, and a
   * late joiner's answer cut short showed as "caught up 1 message", then the rest as another round
   * (ScrollbackProcessTest, RoundEndTest); a round whose last request timed out, or whose link went
   * down mid-answer, never ended at all: its lines stayed off the screen until someone spoke.
   *
   * <p>Requests in flight hold the round only while it keeps pace: an answer's worth of lines
   * ({@code syncMaxMessages}, or four frames' bytes) at least every {@link #ROUND_HOLD_PERIODS}
   * periods, and {@link #ROUND_MAX_PERIODS} at most. An honest catch-up, however long, answers
   * whole requests at once and stays one round; a link that answers each request just before its
   * timeout with a line (rev34 FINDING-6: always a request in flight, so the round never ended and
   * a late joiner's history stayed off the screen) ends it two periods after its last answer's
   * worth; what comes after joins the next round.
   */
  void roundMaybeOver() {
    if (caughtUp == 0) {
      return;
    }
    long now = scheduler.nowMillis();
    long hold = ROUND_HOLD_PERIODS * config.syncIntervalMs();
    boolean inFlight = false;
    for (Link l : links.values()) {
      if (!l.inflight.isEmpty()) {
        inFlight = true;
        break;
      }
    }
    if (inFlight) {
      long until =
          Math.min(
              saturatingAdd(roundPaceAt, hold),
              saturatingAdd(roundFirstAt, ROUND_MAX_PERIODS * config.syncIntervalMs()));
      if (now < until) {
        lookAgainAt(until); // its end comes with its last batch, its timeout, its link going down
        return;
      }
      // what is in flight has not kept pace (or the round ran its longest): it ends with what came
    } else if ((roundHeldSince < 0 || now - roundHeldSince < hold) && stillLacking()) {
      if (roundHeldSince < 0) {
        roundHeldSince = now;
      }
      lookAgainAt(roundHeldSince + hold);
      return;
    }
    if (roundHold != null) {
      roundHold.cancel();
      roundHold = null;
    }
    roundHeldSince = -1;
    if (!endedWhole && !inFlight && !stillLacking()) {
      // not a round cut by its links going down or by the hold, nor one over a single network's
      // links: one stranger (or another newcomer who said a line) that links first is no room,
      // nor is one with two /64s of its /48 (rev37 FINDING-2: counted by source until session 37)
      Object heardFrom = null;
      for (Link l : links.values()) {
        if (l.heardComplete) {
          if (heardFrom != null && !heardFrom.equals(l.network)) {
            endedWhole = true;
            break;
          }
          heardFrom = l.network;
        }
      }
    }
    effects.notice(new RoomNotice.CaughtUp(caughtUp));
    caughtUp = 0;
  }

  /** Looks at the round's end again at {@code at}, unless a look is due by then. */
  private void lookAgainAt(long at) {
    if (roundHold != null && roundHoldAt <= at) {
      return;
    }
    if (roundHold != null) {
      roundHold.cancel();
    }
    roundHoldAt = at;
    roundHold =
        scheduler.schedule(
            Math.max(0, at - scheduler.nowMillis()),
            () -> {
              roundHold = null;
              roundMaybeOver();
            });
  }

  /**
   * Whether a link that is up names messages we lack and may ask for (not our own origin's, which
   * its digests name as receipts, nor what an author's quota holds here).
   */
  private boolean stillLacking() {
    for (Link l : links.values()) {
      for (Map.Entry<PeerId, SeqSet> e : l.theirs.entrySet()) {
        if (e.getKey().equals(self)) {
          continue;
        }
        SeqSet mine = holdings.get(e.getKey());
        List<SeqRange> missing =
            mine == null ? e.getValue().ranges() : mine.missingFrom(e.getValue());
        if (!belowQuota(e.getKey(), missing, l).isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a catch-up round has ended whole: links of two sources or more that sent their complete
   * digests were up, nothing was in flight and no link named anything more we lack and may ask for.
   * A round ended because its links went down, or by a hold while something was still lacking or on
   * its way, is not whole; nor is one whose complete digests all came from one source (rev36
   * FINDING-1: a newcomer's first link, another newcomer who had said a line or a stranger with a
   * line of its own, made a round of one author "whole", and the hub's catch-up was charged).
   */
  boolean endedWhole() {
    return endedWhole;
  }

  void countDelivered(ChatMessage m, boolean catchUp) {
    if (!catchUp) {
      return;
    }
    if (caughtUp++ == 0) {
      roundFirstAt = roundPaceAt = scheduler.nowMillis();
      paceLines = paceBytes = 0;
    }
    keptPace(m);
  }

  /**
   * Counts {@code m} to the round's pace: once an answer's worth came since the last mark (a
   * request's {@code syncMaxMessages} lines, or four frames' bytes, the most one answer holds), the
   * round kept pace now. Bytes by the text's UTF-8 bytes, as the answer's frames are cut (until
   * session 37 its chars: a catch-up of 3-byte text was counted a third, and an honest round
   * answered in full ended mid catch-up).
   */
  private void keptPace(ChatMessage m) {
    paceLines++;
    paceBytes = saturatingAdd(paceBytes, AuthorQuota.ROW_BYTES + AuthorQuota.utf8Length(m.text()));
    if (paceLines >= config.syncMaxMessages() || paceBytes >= 4L * config.batchMaxBytes()) {
      roundPaceAt = scheduler.nowMillis();
      paceLines = paceBytes = 0;
    }
  }

  /**
   * The link went down: drop everything in flight on it. Returns whether anything was: only then
   * may another link now be asked for something it was not asked before (what another link lacks
   * and nobody is asking is asked on that link's digest or when its own request ends; see
   * docs/decisions/0003-ask-after-reset-only-when-needed.md).
   */
  boolean linkDown(Link l) {
    if (links.remove(l.id) == l && l.once != null) {
      l.once.links--;
      if (l.upTicks < 2 && l.onceCharged > 0) {
        l.once.lostBy = l.id; // its answers may be lost with it: given back if it links again
        l.once.lost = l.onceCharged;
      }
    }
    cancelReceipt(l);
    if (l.treeWait != null) {
      l.treeWait.cancel();
      l.treeWait = null;
    }
    boolean hadAny = !l.inflight.isEmpty() || !l.depFetches.isEmpty();
    for (Long id : List.copyOf(l.inflight.keySet())) {
      endRequest(l, id);
    }
    l.depFetches.forEach(asked::remove);
    l.depFetches.clear();
    return hadAny;
  }

  /** A request on {@code ended} is over: the links asked for less than they had are asked now. */
  private void askCapped(Link ended) {
    List<Link> capped = null;
    for (Link x : links.values()) {
      if (x != ended && x.heldCapped) {
        if (capped == null) {
          capped = new ArrayList<>();
        }
        capped.add(x);
      }
    }
    if (capped != null) {
      for (Link x : capped) {
        x.heldCapped = false;
        requestMissing(x);
      }
    }
  }

  /** The sync request {@code id} on {@code l} is over (answered or timed out). */
  private void endRequest(Link l, long id) {
    Inflight request = l.inflight.remove(id);
    if (request == null) {
      return;
    }
    asked.remove(id, request.wants);
    if (request.timer != null) {
      request.timer.cancel();
    }
  }

  /**
   * Whether {@code id}, which we lack, is on its way: asked of a link right now (a sync request or
   * a dependency fetch in flight), or named by the digest of a link that is up, which the catch-up
   * asks for again until it comes (an answer cut by its budget, a request that timed out). A held
   * catch-up message that waits for such an id waits longer than the hold-back timeout (see {@link
   * Room#CATCH_UP_HOLD_WAITS}).
   */
  boolean onItsWay(MessageId id) {
    if (asked.contains(id.origin(), id.seq())) {
      return true;
    }
    for (Link l : links.values()) {
      SeqSet theirs = l.theirs.get(id.origin());
      if (theirs != null && theirs.contains(id.seq())) {
        return true;
      }
    }
    return false;
  }

  /** How many messages {@code l} holds that we lack. */
  long lag(Link l) {
    long n = 0;
    for (Map.Entry<PeerId, SeqSet> e : l.theirs.entrySet()) {
      SeqSet mine = holdings.get(e.getKey());
      if (mine == null) {
        mine = new SeqSet();
      }
      n = saturatingAdd(n, size(mine.missingFrom(e.getValue())));
    }
    return n;
  }
}
