package meshchat.peer.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.AuthorQuota;
import meshchat.peer.room.Room;
import meshchat.peer.sync.SeqWindow;
import meshchat.wire.Ed25519;

/**
 * One link's inbound authentication (docs/protocol.md, "Hash chain"): live messages wait, hashed,
 * until a signed head of their author arrives on the same link; the head authenticates the message
 * at its seq, and each authenticated message's {@code prev} authenticates the one below it. A
 * history batch must authenticate every message it carries with its own heads. One signature per
 * head, one SHA-256 per message.
 *
 * <p>What it holds is bounded: at most {@link #MAX_PENDING} unauthenticated messages (an honest
 * author signs at least every 256 messages, and a relay forwards the head right after what it
 * covers), and at most {@link #MAX_KEYS} keys, one per origin the link has named. Not thread-safe:
 * one link, one thread.
 */
public final class ChainCheck {
  /** Most live messages a link may send before the head that covers them. */
  static final int MAX_PENDING = 4_096;

  /**
   * Most bytes of text a link may send before the heads that cover it: an honest author signs at
   * least every 64 KiB of text, and a relay forwards a head right after what it covers, so this
   * leaves room for many authors' runs at once; without it 4,096 held messages of 64 KiB each would
   * be 256 MiB per link.
   */
  static final long MAX_PENDING_BYTES = 8L * 1024 * 1024;

  /**
   * Most origins whose keys one link may teach: the authors a link carries heads of, live or in
   * history. A history a newcomer catches up on over one link names every author the room ever had,
   * and a key costs nothing to make, so a low bound here is a way to cut a room off: 4,097
   * throwaway keys that each wrote one line would close every newcomer's link (session 31 had 4,096
   * for a day; the lead put it back, as the digest work of rev31 FINDING-7 keeps rooms of more
   * origins linking). Each key costs about 150 bytes (its id, its 32 bytes and the map's entry):
   * about 9.4 MiB per link at the bound, 300 MiB for a full table of 32 links. One more closes the
   * link with {@code Close{LIMIT_EXCEEDED}}, counted {@code link_keys_refused}.
   */
  public static final int MAX_KEYS = 65_536;

  private final int maxKeys;

  /** Why a link is closed: it sent something no honest peer sends. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Counters.Counter counter;
    private final transient CloseReason reason;

    Refused(String why) {
      this(why, Counters.Counter.BAD_SIGNATURE);
    }

    Refused(String why, Counters.Counter counter) {
      this(why, counter, CloseReason.INVALID_MESSAGE);
    }

    Refused(String why, Counters.Counter counter, CloseReason reason) {
      super(why, null, false, false);
      this.counter = counter;
      this.reason = reason;
    }

    /** The reason the link is closed with: INVALID_MESSAGE but for a bound (LIMIT_EXCEEDED). */
    public CloseReason reason() {
      return reason;
    }

    /** The refusal counter this is counted under. */
    public Counters.Counter counter() {
      return counter;
    }
  }

  /**
   * Most live messages of the link's own peer shown before their head (docs/security.md, "Lines
   * shown before their head"): as many as an honest author sends between two heads. Past it, its
   * messages wait for their head as any other's.
   */
  static final int MAX_EARLY = Room.HEAD_EVERY_MESSAGES;

  /** Most text bytes of the link's own peer shown before their head: as {@link #MAX_EARLY}. */
  static final long MAX_EARLY_BYTES = Room.HEAD_EVERY_BYTES;

  /**
   * A held message with what its head's pass reads of it, taken while the message is fresh from its
   * decode: that pass comes up to a burst later, and reading the message's fields again there (its
   * {@code prev}, its text's and nick's lengths and its deps' count for the byte counts) cost a
   * cache miss per object, 3 % of the throughput cell's room threads (docs/benchmarks.md, session
   * 29).
   */
  private static final class Pending {
    final ChatMessage message;
    final LinkMessage.Chat frame; // the Chat read with message, passed on as it is; or null
    final byte[] hash;
    final byte[] prev; // message.prevUnsafe()
    final long bytes; // message.approxBytes()
    long earlyBytes; // its text's UTF-8 bytes, counted by showEarly when it is shown early
    boolean early; // shown before its head: its chain must reach it

    Pending(ChatMessage message, LinkMessage.Chat frame, byte[] hash) {
      this.message = message;
      this.frame = frame;
      this.hash = hash;
      this.prev = message.prevUnsafe();
      this.bytes = message.approxBytes();
    }
  }

  private final String room;
  private final Map<PeerId, byte[]> keys = new HashMap<>();
  private final Map<PeerId, SeqWindow<Pending>> pending = new HashMap<>();
  private int pendingCount;
  private long pendingBytes;
  private long gapDropped;
  // the link's own peer's messages shown before their head, oldest first: seq and when (a ring of
  // MAX_EARLY, ascending seqs: only a seq above every one shown so far is shown early)
  private final long[] earlySeq = new long[MAX_EARLY];
  private final long[] earlyAt = new long[MAX_EARLY];
  private int earlyFirst;
  private int earlyCount;
  private long earlyBytes;
  private long lastEarlySeq;
  // the link's last live chat message and its chain hash: the prev a live chat frame may leave out
  // when it is that message's successor (docs/protocol.md, "Link context")
  private PeerId lastOrigin;
  private long lastSeq;
  private byte[] lastHash;

  public ChainCheck(String room) {
    this(room, MAX_KEYS);
  }

  /** With another bound on the keys a link may teach (tests: {@link #MAX_KEYS} takes long). */
  ChainCheck(String room, int maxKeys) {
    this.room = room;
    this.maxKeys = maxKeys;
  }

  /**
   * A live message: held until its head arrives; nothing to pass on yet. One without {@code prev}
   * gets the chain hash of the link's previous live message, which must be its predecessor. Returns
   * the message as held (with its {@code prev}), or null if this seq was held already.
   */
  public ChatMessage onChat(ChatMessage m) throws Refused {
    return onChat(m, null, null);
  }

  /**
   * As {@link #onChat(ChatMessage)} for a live chat frame as read: one whose message the frame
   * decoder chained and hashed ({@link LinkMessage.Chat#hash}) is held as it is and passed on, once
   * its head is checked, as that same frame (no second Chat per message: docs/benchmarks.md,
   * session 36).
   */
  public ChatMessage onChat(LinkMessage.Chat chat) throws Refused {
    return onChat(chat.message(), chat.hash(), chat);
  }

  /**
   * As {@link #onChat(ChatMessage)} for a chained message whose chain hash the link's frame decoder
   * computed ({@code hash}, null if it did not): the link's {@link LinkContext} chained it there,
   * refusing a {@code prev} left out after another than its predecessor, and the message is not
   * hashed again (docs/benchmarks.md, session 36).
   */
  public ChatMessage onChat(ChatMessage m, byte[] hash) throws Refused {
    return onChat(m, hash, null);
  }

  private ChatMessage onChat(ChatMessage m, byte[] hash, LinkMessage.Chat frame) throws Refused {
    byte[] h;
    if (hash != null && m.isChained()) {
      h = hash;
    } else {
      frame = null; // its message is not the one held: a Chat of its own when passed on
      if (!m.isChained()) {
        if (lastHash == null || !m.origin().equals(lastOrigin) || m.seq() != lastSeq + 1) {
          throw new Refused(
              "message "
                  + m.id()
                  + " leaves out prev, but the link's last message is not its"
                  + " predecessor");
        }
        m = m.chained(lastHash);
      }
      h = MessageSigning.hash(m, room);
    }
    lastOrigin = m.origin();
    lastSeq = m.seq();
    lastHash = h;
    Pending mine = new Pending(m, frame, h);
    Pending old = pending.computeIfAbsent(m.origin(), o -> new SeqWindow<>()).put(m.seq(), mine);
    if (old == null) {
      if (++pendingCount > MAX_PENDING) {
        throw new Refused("over " + MAX_PENDING + " messages without a chain head");
      }
      pendingBytes += mine.bytes;
      if (pendingBytes > MAX_PENDING_BYTES) {
        throw new Refused("over " + MAX_PENDING_BYTES + " bytes of messages without a chain head");
      }
    } else if (!Arrays.equals(old.hash, h)) {
      throw new Refused("two versions of message " + m.id() + " on one link");
    } else {
      mine.early = old.early;
      return null;
    }
    return m;
  }

  /** Whether a live message of {@code origin} at {@code seq} is held here, waiting for a head. */
  public boolean holds(PeerId origin, long seq) {
    SeqWindow<Pending> of = pending.get(origin);
    return of != null && of.get(seq) != null;
  }

  /**
   * Whether the just held message {@code m} (its author's, on the author's own link) may be shown
   * before its head: under {@link #MAX_EARLY} and {@link #MAX_EARLY_BYTES} outstanding, and above
   * every seq shown so far. If so, it is marked: its head must come ({@link #earlyDueAt}) and reach
   * it.
   */
  public boolean showEarly(ChatMessage m, long nowNanos) {
    SeqWindow<Pending> of = pending.get(m.origin());
    Pending p = of == null ? null : of.get(m.seq());
    if (p == null
        || p.early
        || p.message != m
        || m.seq() <= lastEarlySeq
        || earlyCount >= MAX_EARLY) {
      return false;
    }
    // its text's UTF-8 bytes, as an honest author counts them for its heads (OwnChain): until
    // session 37 its chars, and 3-byte characters held 3x the bound (rev37 FINDING-3)
    long bytes = AuthorQuota.utf8Length(m.text());
    if (earlyBytes + bytes > MAX_EARLY_BYTES) {
      return false;
    }
    p.earlyBytes = bytes;
    p.early = true;
    int at = (earlyFirst + earlyCount++) % MAX_EARLY;
    earlySeq[at] = m.seq();
    earlyAt[at] = nowNanos;
    earlyBytes += bytes;
    lastEarlySeq = m.seq();
    return true;
  }

  /** When the oldest message shown before its head was shown, or -1 if none waits for its head. */
  public long oldestEarlyAt() {
    return earlyCount == 0 ? -1 : earlyAt[earlyFirst];
  }

  /** The messages shown before their head that no checked head covers yet. */
  public int earlyWaiting() {
    return earlyCount;
  }

  /**
   * A live head: returns the messages it authenticates (ascending seq) followed by the head itself
   * (with its key), or nothing if no message waits for it. Held messages of the origin at or below
   * the head that its chain does not reach are dropped: a relay forwarded a run with a gap.
   */
  public List<LinkMessage> onHead(ChainHead head) throws Refused {
    ChainHead full = toVerify(head);
    if (full == null) {
      return List.of(); // covers nothing held here: nothing to verify
    }
    signed(full);
    return onVerifiedHead(full);
  }

  /**
   * The first half of {@link #onHead}, on the link's thread: keeps the head's key and returns the
   * head with its origin's key, whose signature must then be checked ({@link #signed}, any thread),
   * or null if it covers nothing held here (ignored, unverified).
   */
  public ChainHead toVerify(ChainHead head) throws Refused {
    learnKey(head);
    SeqWindow<Pending> waiting = pending.get(head.origin());
    if (waiting == null || waiting.get(head.seq()) == null) {
      return null;
    }
    return withKey(head);
  }

  /** Checks a keyed head's signature for this room; touches no state, so any thread may. */
  public void signed(ChainHead full) throws Refused {
    String problem = MessageSigning.headProblem(full, full.publicKey(), room);
    if (problem != null) {
      throw new Refused(problem);
    }
  }

  /**
   * The second half of {@link #onHead}, on the link's thread, with no other frame of the link read
   * in between: {@code full}'s signature checked, the held messages it reaches are authenticated.
   */
  public List<LinkMessage> onVerifiedHead(ChainHead full) throws Refused {
    SeqWindow<Pending> waiting = pending.get(full.origin());
    if (waiting == null) {
      return List.of(); // toVerify said it covers something: only a misuse gets here
    }
    ChainHead head = full;
    // newest first as the chain is walked down, then turned around, with room for the head: one
    // list, not a deque copied into a list grown by one (2 % of what the throughput cell's
    // deliveries allocated; docs/benchmarks.md, session 35); sized for what the origin holds here,
    // up to the run an honest author signs at most (a longer one grows it)
    ArrayList<LinkMessage> out =
        new ArrayList<>(Math.min(waiting.size(), Room.HEAD_EVERY_MESSAGES) + 1);
    byte[] expected = full.hash();
    long seq = head.seq();
    Pending p;
    while ((p = waiting.get(seq)) != null) {
      if (!Arrays.equals(p.hash, expected)) {
        throw new Refused("message " + p.message.id() + " does not match its author's chain");
      }
      out.add(p.frame != null ? p.frame : new LinkMessage.Chat(p.message));
      expected = p.prev;
      seq--;
    }
    Collections.reverse(out);
    long reachedFrom = head.seq() - out.size() + 1; // the chain reached [reachedFrom, head.seq()]
    boolean[] earlyDropped = new boolean[1];
    int covered =
        waiting.removeThrough(
            head.seq(),
            p2 -> {
              pendingBytes -= p2.bytes;
              if (p2.early) {
                earlyBytes -= p2.earlyBytes;
                earlyDropped[0] |= p2.message.seq() < reachedFrom;
              }
            });
    if (earlyDropped[0]) {
      throw new Refused(
          "a line of "
              + head.origin().shortHex()
              + " shown before its head is not in the chain its head signs");
    }
    while (earlyCount > 0 && earlySeq[earlyFirst] <= head.seq()) {
      earlyFirst = (earlyFirst + 1) % MAX_EARLY;
      earlyCount--;
    }
    int dropped = covered - out.size();
    gapDropped += dropped;
    pendingCount -= covered;
    if (waiting.isEmpty()) {
      pending.remove(head.origin());
    }
    out.add(new LinkMessage.Head(full));
    return out;
  }

  /**
   * A history batch: every message must be chained down from one of the batch's heads. Returns the
   * batch with each head's key filled in.
   */
  public LinkMessage.SyncBatch onBatch(LinkMessage.SyncBatch b) throws Refused {
    return verifyBatch(b, batchKeys(b));
  }

  /**
   * The first half of {@link #onBatch}, on the link's thread: keeps the keys the batch's heads
   * carry and returns the key of each origin a head names (where known).
   */
  public Map<PeerId, byte[]> batchKeys(LinkMessage.SyncBatch b) throws Refused {
    Map<PeerId, byte[]> out = new HashMap<>();
    for (ChainHead head : b.heads()) {
      learnKey(head);
      byte[] key = head.publicKey().length > 0 ? head.publicKey() : keys.get(head.origin());
      if (key != null) {
        out.putIfAbsent(head.origin(), key);
      }
    }
    return out;
  }

  /**
   * The second half of {@link #onBatch}: hashes and signatures only, with the keys {@link
   * #batchKeys} returned; touches no state, so any thread may run it.
   */
  public LinkMessage.SyncBatch verifyBatch(LinkMessage.SyncBatch b, Map<PeerId, byte[]> keys)
      throws Refused {
    Map<PeerId, Map<Long, ChatMessage>> byOrigin = new HashMap<>();
    for (ChatMessage m : b.messages()) {
      if (!m.isChained()) {
        throw new Refused("message " + m.id() + " is not chained");
      }
      ChatMessage old = byOrigin.computeIfAbsent(m.origin(), o -> new HashMap<>()).put(m.seq(), m);
      if (old != null && !old.equals(m)) {
        throw new Refused("two versions of message " + m.id() + " in one batch");
      }
    }
    List<ChainHead> heads = new ArrayList<>(b.heads().size());
    for (ChainHead head : b.heads()) {
      Map<Long, ChatMessage> of = byOrigin.get(head.origin());
      if (of == null || !of.containsKey(head.seq())) {
        continue; // a head for nothing in the batch: ignored, unverified
      }
      ChainHead full = withKey(head, keys.get(head.origin()));
      signed(full);
      heads.add(full);
      byte[] expected = full.hash();
      ChatMessage m;
      for (long seq = head.seq(); (m = of.remove(seq)) != null; seq--) {
        if (!Arrays.equals(MessageSigning.hash(m, room), expected)) {
          throw new Refused("message " + m.id() + " does not match its author's chain");
        }
        expected = m.prevUnsafe();
      }
    }
    if (byOrigin.values().stream().anyMatch(left -> !left.isEmpty())) {
      throw new Refused("a history batch carries a message no head in it covers");
    }
    return new LinkMessage.SyncBatch(b.requestId(), b.messages(), b.done(), heads);
  }

  /**
   * A proof that an author equivocated: both heads must be validly signed for this room by the
   * origin, each run must hash down from its head unbroken, and the two histories must differ where
   * the runs start (or, with empty runs, the two heads must name one seq with two hashes, which the
   * proof's shape already ensures). Returns the proof with both heads' keys filled in.
   */
  public Equivocation onEquivocation(Equivocation e) throws Refused {
    try {
      learnKey(e.a());
      learnKey(e.b());
      ChainHead a = withKey(e.a());
      signed(a);
      ChainHead b = withKey(e.b());
      signed(b);
      if (Arrays.equals(bottom(a, e.aRun()), bottom(b, e.bRun()))) {
        throw new Refused(
            "an equivocation proof whose two histories agree at #" + e.seq(),
            Counters.Counter.PROOF_AGREES);
      }
      return new Equivocation(a, e.aRun(), b, e.bRun());
    } catch (Refused r) {
      if (r.counter() != Counters.Counter.BAD_SIGNATURE) {
        throw r;
      }
      throw new Refused("equivocation proof: " + r.getMessage(), Counters.Counter.PROOF_FORGED);
    }
  }

  /** The chain hash at the start of {@code run}, checked down from {@code head}. */
  private byte[] bottom(ChainHead head, List<ChatMessage> run) throws Refused {
    byte[] expected = head.hash();
    byte[] hash = expected;
    for (int i = run.size() - 1; i >= 0; i--) {
      hash = MessageSigning.hash(run.get(i), room);
      if (!Arrays.equals(hash, expected)) {
        throw new Refused("an equivocation run does not match its head " + head.id());
      }
      expected = run.get(i).prevUnsafe();
    }
    return hash;
  }

  /**
   * Keeps the key a head carries, even a head that covers nothing here: a sender sends each key
   * once per link. The fingerprint binds a key to its origin, so no signature is needed for this.
   */
  private void learnKey(ChainHead head) throws Refused {
    byte[] key = head.publicKey();
    if (key.length > 0 && !keys.containsKey(head.origin())) {
      if (!Ed25519.owns(key, head.origin().toBytes())) {
        throw new Refused("head " + head.id() + " carries a key that is not its origin's");
      }
      if (keys.size() >= maxKeys) {
        throw new Refused(
            "keys of more than " + maxKeys + " authors on one link",
            Counters.Counter.LINK_KEYS_REFUSED,
            CloseReason.LIMIT_EXCEEDED);
      }
      keys.put(head.origin(), key);
    }
  }

  /**
   * The head with its origin's key: its own, or the one learned from the first head that had it.
   */
  private ChainHead withKey(ChainHead head) throws Refused {
    return withKey(head, keys.get(head.origin()));
  }

  private static ChainHead withKey(ChainHead head, byte[] known) throws Refused {
    if (head.publicKey().length > 0) {
      return head;
    }
    if (known == null) {
      throw new Refused("head " + head.id() + " without its origin's key");
    }
    return new ChainHead(head.origin(), head.seq(), head.hash(), head.signature(), known);
  }

  /** Live messages dropped because their chain to a head was broken (for the counters). */
  long takeGapDropped() {
    long n = gapDropped;
    gapDropped = 0;
    return n;
  }
}
