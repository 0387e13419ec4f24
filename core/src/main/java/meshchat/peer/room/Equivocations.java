package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * Equivocation: an author that signed two different histories (docs/security.md, "Equivocation").
 *
 * <p><b>Noticed.</b> By every peer that meets both versions: two authenticated heads of one seq
 * with different hashes; an authenticated message whose id we hold with other content (kept here
 * per link until the head that authenticated it arrives, then turned into a proof); or a digest
 * whose tip (the chain hash at one seq) differs from ours, which makes us fetch the other version.
 *
 * <p><b>Converged.</b> Every peer keeps, per author, the proof with the lowest seq it has seen and
 * passes on any proof that lowers it, so all peers end with the same seq F. The rule: the author's
 * history is frozen below F. Messages at or above F are <i>disputed</i>: kept and shown with a
 * mark, never forwarded, served or fetched. Below F the room agrees: digests carry the tip at F -
 * 1, and a tip that differs there lowers F again, until every peer holds the same chain below it.
 */
final class Equivocations {
  /** Most conflicting messages held while their heads are awaited, over all links. */
  static final int MAX_PENDING = 1_024;

  /** Most messages asked for at once to find how deep two histories differ. */
  static final int COMPARE_SPAN = 64;

  /**
   * Most of the room's authors held proven at once (and {@link #MAX_STRANGERS} more), and the most
   * bytes their proofs may hold: anyone can make keys and prove that each equivocated, so what a
   * stranger can make us keep is bounded.
   */
  static final int MAX_PROVEN = 256;

  /** Most bytes ({@link #bytes}) of the proofs against the room's authors. */
  static final long MAX_PROOF_BYTES = 16L << 20;

  /**
   * Most authors proven while strangers, beside {@link #MAX_PROVEN}: authors of whom the room holds
   * no message when their proof comes. Keys cost nothing, so proofs against throwaway keys (rev28)
   * must not use up the budget that the room's own authors need; a stranger's proof changes nothing
   * we show.
   */
  static final int MAX_STRANGERS = 32;

  /**
   * Most bytes ({@link #bytes}) of the proofs against strangers, beside {@link #MAX_PROOF_BYTES}
   * (rev29: sharing that one let seven fat proofs against throwaway keys leave no room for a real
   * member's proof). Two proofs of a full frame fit.
   */
  static final long MAX_STRANGER_PROOF_BYTES = 2L << 20;

  /**
   * Most bytes ({@link #bytes}) of a proof built here: a history batch's bound, well under the 1
   * MiB frame every link accepts (docs/protocol.md, "Framing"), so the proof we send is never
   * refused as too large.
   */
  static final long MAX_PROOF_FRAME_BYTES = ChainedChunk.MAX_BATCH_BYTES;

  /** Most authors whose histories are known to part below any proof that fits a frame. */
  static final int MAX_UNPROVABLE = 1_024;

  /** A bound on a proof frame's own fields beside its heads and runs (tags, lengths). */
  private static final long PROOF_FRAME_BYTES = 32;

  private final MessageStore store;
  private final MessageSigner signer;
  private final Map<PeerId, Equivocation> proven = new HashMap<>();
  private final Set<PeerId> strangers = new HashSet<>(); // proven while we held none of theirs
  private final Map<PeerId, Map<PeerId, TreeMap<Long, ChatMessage>>> pending = new HashMap<>();
  private int pendingCount;
  private long proofBytes; // of the room's authors' proofs
  private long strangerBytes; // of strangers' proofs
  // per up link: per author, the lowest seq of a proof the link has (we sent it, or it sent us one)
  private final Map<PeerId, Map<PeerId, Long>> told = new HashMap<>();
  // per author: the lowest seq where its histories are known to part, if no proof from there fits
  private final Map<PeerId, Long> unprovable = new HashMap<>();

  Equivocations(MessageStore store, MessageSigner signer) {
    this.store = store;
    this.signer = signer;
  }

  /** The seq from which {@code origin}'s history is disputed; {@link Long#MAX_VALUE} if none. */
  long frozenAt(PeerId origin) {
    if (proven.isEmpty()) {
      return Long.MAX_VALUE; // the common case, asked for every message and digest entry
    }
    Equivocation e = proven.get(origin);
    return e == null ? Long.MAX_VALUE : e.seq();
  }

  /** Whether any author is proven to equivocate. */
  boolean any() {
    return !proven.isEmpty();
  }

  boolean disputed(MessageId id) {
    return id.seq() >= frozenAt(id.origin());
  }

  /** Authors proven to equivocate, each with the seq their history is frozen at. */
  Map<PeerId, Long> proven() {
    Map<PeerId, Long> out = new HashMap<>();
    proven.forEach((o, e) -> out.put(o, e.seq()));
    return out;
  }

  List<Equivocation> proofs() {
    return List.copyOf(proven.values());
  }

  /** Whether {@code e} would lower what we know: it is the first for its author or goes deeper. */
  boolean lowers(Equivocation e) {
    Equivocation known = proven.get(e.origin());
    return known == null || e.seq() < known.seq();
  }

  /**
   * Whether keeping {@code e} (which {@link #lowers}) would pass the proofs' budget; {@code
   * stranger}: the room holds no message of its author. Strangers' proofs have a count and bytes of
   * their own, so they never take what the room's authors' proofs need.
   */
  boolean overBudget(Equivocation e, boolean stranger) {
    Equivocation known = proven.get(e.origin());
    boolean asStranger = asStranger(e.origin(), stranger);
    if (known == null
        && (asStranger
            ? strangers.size() >= MAX_STRANGERS
            : proven.size() - strangers.size() >= MAX_PROVEN)) {
      return true;
    }
    // a lower proof replaces the known one: its bytes are freed if they count in the same budget
    long freed = known != null && strangers.contains(e.origin()) == asStranger ? bytes(known) : 0;
    return asStranger
        ? strangerBytes - freed + bytes(e) > MAX_STRANGER_PROOF_BYTES
        : proofBytes - freed + bytes(e) > MAX_PROOF_BYTES;
  }

  /**
   * The room's authors' proofs to drop so that {@code e} (a room author's, {@link #overBudget})
   * fits: the lowest ranked first, each ranked strictly below {@code e}; null if it cannot fit so.
   * Keys cost nothing and one line makes a key a room author, so a burst of keys proven at one line
   * each would otherwise keep an established member's proof out for good (rev31: 256 of them).
   * Bounded: one look at each of at most {@link #MAX_PROVEN} kept proofs.
   */
  List<PeerId> weakerThan(Equivocation e, java.util.function.ToLongFunction<Equivocation> rank) {
    long mine = rank.applyAsLong(e);
    List<Map.Entry<Equivocation, Long>> kept = new ArrayList<>();
    for (Equivocation k : proven.values()) {
      if (!strangers.contains(k.origin()) && !k.origin().equals(e.origin())) {
        long r = rank.applyAsLong(k);
        if (r < mine) {
          kept.add(Map.entry(k, r));
        }
      }
    }
    kept.sort(Map.Entry.comparingByValue());
    Equivocation known = proven.get(e.origin());
    long freed = known != null && !strangers.contains(e.origin()) ? bytes(known) : 0;
    int count = proven.size() - strangers.size() + (known == null ? 1 : 0);
    long bytes = proofBytes - freed + bytes(e);
    List<PeerId> out = new ArrayList<>();
    for (Map.Entry<Equivocation, Long> k : kept) {
      if (count <= MAX_PROVEN && bytes <= MAX_PROOF_BYTES) {
        break;
      }
      out.add(k.getKey().origin());
      count--;
      bytes -= bytes(k.getKey());
    }
    return count <= MAX_PROVEN && bytes <= MAX_PROOF_BYTES ? out : null;
  }

  /** Drops the proof against {@code origin} (to make room for a higher ranked one). */
  void forget(PeerId origin) {
    Equivocation gone = proven.remove(origin);
    if (gone == null) {
      return;
    }
    if (strangers.remove(origin)) {
      strangerBytes -= bytes(gone);
    } else {
      proofBytes -= bytes(gone);
    }
    for (Map<PeerId, Long> t : told.values()) {
      t.remove(origin);
    }
  }

  /** Whether a proof against {@code origin} counts as a stranger's: once a member, always one. */
  private boolean asStranger(PeerId origin, boolean stranger) {
    return stranger && (!proven.containsKey(origin) || strangers.contains(origin));
  }

  /** Takes a proof that {@link #lowers} what we know and fits the budget. */
  void learn(Equivocation e, boolean stranger) {
    boolean asStranger = asStranger(e.origin(), stranger);
    Equivocation known = proven.put(e.origin(), e);
    if (known != null) {
      if (strangers.remove(e.origin())) {
        strangerBytes -= bytes(known);
      } else {
        proofBytes -= bytes(known);
      }
    }
    if (asStranger) {
      strangers.add(e.origin());
      strangerBytes += bytes(e);
    } else {
      proofBytes += bytes(e); // its messages are here now: one of the room's authors
    }
  }

  /** Whether {@code origin} was a stranger when proven (its notice was not shown). */
  boolean stranger(PeerId origin) {
    return strangers.contains(origin);
  }

  /** Whether any proof held is against a stranger. */
  boolean anyStranger() {
    return !strangers.isEmpty();
  }

  /** The proof held against {@code origin}, if any. */
  Equivocation proof(PeerId origin) {
    return proven.get(origin);
  }

  /**
   * A message of {@code origin}, proven while a stranger, is here now: it counts among the room's
   * authors from now on (its proof is kept even if that budget is full: it is held already, so the
   * room's authors' proofs hold at most {@link #MAX_STRANGER_PROOF_BYTES} past theirs).
   */
  void met(PeerId origin) {
    if (strangers.remove(origin)) {
      long b = bytes(proven.get(origin));
      strangerBytes -= b;
      proofBytes += b;
    }
  }

  /**
   * A bound on {@code e}'s bytes as a frame carries it (its messages by {@link
   * ChatMessage#frameBytesBound}, its heads by {@link ChainedChunk#HEAD_BYTES_BOUND}): what the
   * budgets count. It was three bytes a character (rev29), so an ASCII proof counted three times
   * its size.
   */
  static long bytes(Equivocation e) {
    long n = PROOF_FRAME_BYTES + 2 * ChainedChunk.HEAD_BYTES_BOUND;
    for (ChatMessage m : e.aRun()) {
      n += m.frameBytesBound();
    }
    for (ChatMessage m : e.bRun()) {
      n += m.frameBytesBound();
    }
    return n;
  }

  // ---- which link has which proof ----

  /**
   * Whether {@code link} lacks {@code e}: neither we sent it this proof or a lower one, nor it sent
   * us one as low. A proof goes to a link at most once.
   */
  boolean lacks(PeerId link, Equivocation e) {
    Map<PeerId, Long> t = told.get(link);
    Long has = t == null ? null : t.get(e.origin());
    return has == null || e.seq() < has;
  }

  /** Whether {@code link} has a proof against {@code origin} (we sent one, or it sent us one). */
  boolean hasAny(PeerId link, PeerId origin) {
    Map<PeerId, Long> t = told.get(link);
    return t != null && t.containsKey(origin);
  }

  /**
   * {@code link} has a proof against {@code origin} at {@code seq} (we sent it, or it sent it).
   * Kept only for authors we hold a proof of, so bounded by the budgets' counts per link.
   */
  void has(PeerId link, PeerId origin, long seq) {
    if (proven.containsKey(origin)) {
      told.computeIfAbsent(link, k -> new HashMap<>()).merge(origin, seq, Math::min);
    }
  }

  /** An authenticated message from {@code link} whose id we hold with other content. */
  void conflict(PeerId link, ChatMessage theirs) {
    if (!theirs.isChained() || pendingCount >= MAX_PENDING) {
      return;
    }
    TreeMap<Long, ChatMessage> held =
        pending
            .computeIfAbsent(link, k -> new HashMap<>())
            .computeIfAbsent(theirs.origin(), k -> new TreeMap<>());
    if (held.put(theirs.seq(), theirs) == null) {
      pendingCount++;
    }
  }

  void linkDown(PeerId link) {
    told.remove(link);
    Map<PeerId, TreeMap<Long, ChatMessage>> gone = pending.remove(link);
    if (gone != null) {
      gone.values().forEach(t -> pendingCount -= t.size());
    }
  }

  /**
   * A head that {@code link} authenticated (before it is stored): a proof if it contradicts a
   * stored head of the same seq, or if it authenticates a conflicting message held from that link.
   */
  Optional<Equivocation> onHead(PeerId link, ChainHead theirs) {
    Optional<Equivocation> proof = Optional.empty();
    Map<PeerId, TreeMap<Long, ChatMessage>> byOrigin = pending.get(link);
    TreeMap<Long, ChatMessage> held = byOrigin == null ? null : byOrigin.get(theirs.origin());
    if (held != null && !held.isEmpty() && held.firstKey() <= theirs.seq()) {
      try {
        proof = proof(held.firstKey(), theirs, held);
      } catch (IllegalArgumentException notAProof) {
        proof = Optional.empty(); // what we hold does not make a proof anyone would accept
      }
      var covered = held.headMap(theirs.seq(), true); // this head was their only chance
      pendingCount -= covered.size();
      covered.clear();
      if (held.isEmpty()) {
        byOrigin.remove(theirs.origin());
      }
    }
    Optional<ChainHead> stored = store.headAtOrAfter(theirs.origin(), theirs.seq());
    if (proof.isEmpty()
        && stored.isPresent()
        && stored.get().seq() == theirs.seq()
        && !stored.get().names(theirs.hash())) {
      // two heads alone prove it, though at their seq: a message-level proof goes deeper
      proof = Optional.of(new Equivocation(stored.get(), List.of(), theirs, List.of()));
    }
    return proof;
  }

  /** Both sides from {@code seq}: theirs up to {@code theirs}, ours up to our nearest head. */
  private Optional<Equivocation> proof(
      long seq, ChainHead theirs, TreeMap<Long, ChatMessage> held) {
    PeerId origin = theirs.origin();
    if (theirs.seq() - seq >= Equivocation.MAX_RUN) {
      return Optional.empty();
    }
    List<ChatMessage> theirRun = new ArrayList<>();
    for (long s = seq; s <= theirs.seq(); s++) {
      ChatMessage m = held.get(s);
      if (m == null) {
        m = store.get(new MessageId(origin, s)).orElse(null); // new to us: stored as theirs
      }
      if (m == null) {
        return Optional.empty();
      }
      theirRun.add(m);
    }
    if (!chainsTo(theirRun, theirs)) {
      return Optional.empty();
    }
    List<ChatMessage> ourRun = new ArrayList<>();
    for (long s = seq; s < seq + Equivocation.MAX_RUN; s++) {
      Optional<ChatMessage> m = store.get(new MessageId(origin, s));
      if (m.isEmpty() || !m.get().isChained()) {
        return Optional.empty();
      }
      ourRun.add(m.get());
      byte[] hash = signer.hash(m.get());
      Optional<ChainHead> head = store.headAtOrAfter(origin, s);
      if (head.isPresent() && head.get().seq() == s && head.get().names(hash)) {
        if (!chainsTo(ourRun, head.get())
            || Arrays.equals(signer.hash(ourRun.get(0)), signer.hash(theirRun.get(0)))) {
          return Optional.empty();
        }
        return fitted(head.get(), ourRun, theirs, theirRun);
      }
    }
    return Optional.empty();
  }

  /**
   * The proof with the lowest seq whose frame fits {@link #MAX_PROOF_FRAME_BYTES}: the two runs,
   * which part at their first seq, cut from the front until it fits. Each message's chain hash
   * covers the one before it, so two chains that differ at a seq differ at every later seq: a cut
   * proof is still a proof, from a higher seq (rev31: 9 lines of 64,000 bytes a side made a proof
   * over the 1 MiB frame, which the receiver refused, closing the link at every link-up). If even
   * the shortest runs do not fit (one head far above the other), the two heads alone prove it when
   * they name one seq; else there is no proof that fits a frame and nothing is proven here: the
   * link stays up and each peer keeps the version it met (docs/security.md, "Equivocation").
   */
  private Optional<Equivocation> fitted(
      ChainHead ours, List<ChatMessage> ourRun, ChainHead theirs, List<ChatMessage> theirRun) {
    long total = PROOF_FRAME_BYTES + 2 * ChainedChunk.HEAD_BYTES_BOUND;
    for (ChatMessage m : ourRun) {
      total += m.frameBytesBound();
    }
    for (ChatMessage m : theirRun) {
      total += m.frameBytesBound();
    }
    long first = ourRun.get(0).seq();
    int cut = 0;
    int shortest = Math.min(ourRun.size(), theirRun.size());
    while (total > MAX_PROOF_FRAME_BYTES && cut < shortest) {
      total -= ourRun.get(cut).frameBytesBound() + theirRun.get(cut).frameBytesBound();
      cut++;
    }
    if (cut > 0) {
      unprovable(ours.origin(), first);
    }
    if (cut < shortest) {
      return Optional.of(
          new Equivocation(
              ours,
              ourRun.subList(cut, ourRun.size()),
              theirs,
              theirRun.subList(cut, theirRun.size())));
    }
    if (ours.seq() == theirs.seq() && !ours.names(theirs.hash())) {
      return Optional.of(new Equivocation(ours, List.of(), theirs, List.of()));
    }
    return Optional.empty();
  }

  /**
   * {@code origin}'s two histories are known here to part at {@code seq}, lower than any proof that
   * fits a frame: a digest tip at or above it is not fetched again to find what is known.
   */
  private void unprovable(PeerId origin, long seq) {
    if (unprovable.size() < MAX_UNPROVABLE || unprovable.containsKey(origin)) {
      unprovable.merge(origin, seq, Math::min);
    }
  }

  /** Whether {@code run} hashes down from {@code head} unbroken, as a receiver will check. */
  private boolean chainsTo(List<ChatMessage> run, ChainHead head) {
    byte[] expected = head.hash();
    for (int i = run.size() - 1; i >= 0; i--) {
      ChatMessage m = run.get(i);
      if (!Arrays.equals(signer.hash(m), expected)) {
        return false;
      }
      expected = m.prev();
    }
    return true;
  }

  // ---- tips in digests ----

  /**
   * The tip to put in our digest entry for {@code origin}: the chain hash of our message at the end
   * of what we hold unbroken, or just below a frozen seq; null if we hold no chained message there.
   */
  Tip tipOf(PeerId origin, SeqSet held) {
    if (signer == MessageSigner.NONE) {
      return null; // it hashes nothing: no tip, and no store read per origin per digest
    }
    long seq = Math.min(held.contiguous(), frozenAt(origin) - 1);
    if (seq < 1) {
      return null;
    }
    Optional<ChatMessage> m = store.get(new MessageId(origin, seq));
    if (m.isEmpty() || !m.get().isChained()) {
      return null;
    }
    byte[] hash = signer.hash(m.get());
    return hash.length == 0 ? null : new Tip(seq, hash);
  }

  /**
   * A peer's tip of {@code origin}: if it differs from our chain hash at that seq, the range of its
   * history to fetch to find where the two differ (up to {@link #COMPARE_SPAN} below the tip).
   */
  SeqRange compare(PeerId origin, long seq, byte[] theirHash) {
    if (seq < 1 || seq >= frozenAt(origin)) {
      return null;
    }
    Long known = unprovable.isEmpty() ? null : unprovable.get(origin);
    if (known != null && seq >= known) {
      return null; // they differ there, and we know it: fetching it again proves nothing more
    }
    Optional<ChatMessage> ours = store.get(new MessageId(origin, seq));
    if (ours.isEmpty() || !ours.get().isChained()) {
      return null;
    }
    if (Arrays.equals(signer.hash(ours.get()), theirHash)) {
      return null;
    }
    return new SeqRange(Math.max(1, seq - COMPARE_SPAN + 1), seq);
  }

  record Tip(long seq, byte[] hash) {}
}
