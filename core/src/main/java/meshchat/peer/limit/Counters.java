package meshchat.peer.limit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One peer's counters: how often each bound was hit, and how much traffic went by. Bumped from I/O
 * threads and the room thread alike ({@link Counts}); read for {@code /status} and {@code
 * /metrics}.
 */
public final class Counters {
  /** What was refused, throttled or forgotten. */
  public enum Counter {
    /** A frame's length prefix exceeded the frame limit; the link was closed. */
    FRAME_TOO_LARGE,
    /**
     * A frame of ours over the link's frame limit, which the peer would refuse: dropped, not sent;
     * the link stays up.
     */
    FRAME_NOT_SENT,
    /** An undecodable frame or one with bad content; the link was closed. */
    BAD_FRAME,
    /** Reading a link paused because it sent more frames per second than allowed. */
    RATE_THROTTLED,
    /** An incoming connection refused: its address already holds the maximum of links. */
    LINKS_PER_ADDRESS_REFUSED,
    /** A held-back message shown incomplete early because too many were held back. */
    HOLD_BACK_OVERFLOW,
    /** A digest entry ignored because the link's digest state was at its bound. */
    DIGEST_ENTRIES_IGNORED,
    /**
     * A chat message or chain head that failed authentication (a bad signature, a key that is not
     * its origin's, a message that does not match its author's signed chain); link closed.
     */
    BAD_SIGNATURE,
    /**
     * A live message dropped unauthenticated: a head arrived above it but the chain to it was
     * broken by a message the link did not send (anti-entropy fetches it again with its head).
     */
    CHAIN_GAP_DROPPED,
    /** A message refused because its Lamport time jumped our clock further than allowed. */
    CLOCK_JUMP_REFUSED,
    /** A Hello's Lamport time taken only in part, as far as the clock bound allowed. */
    HELLO_CLOCK_CLAMPED,
    /** A message refused or not shown: its Lamport time is not above a dependency's. */
    BACKDATED,
    /** A message refused: its link or its author already has the most messages held back. */
    HOLD_BACK_BUDGET,
    /**
     * A message of another author not stored: it would take its author over its quota of bytes
     * stored per rolling day, or its author is held below it (docs/security.md, "Author quota").
     */
    AUTHOR_QUOTA,
    /**
     * A message of a new author (one this peer stores nothing of) not stored: the source of the
     * link that brought it has introduced its new authors for the day, or the author is held back
     * for that (docs/security.md, "New authors per source").
     */
    NEW_AUTHOR,
    /** A dependency fetch not sent: the link already has the most fetches in flight. */
    DEP_FETCH_BUDGET,
    /** A dependency fetch given up unanswered. */
    DEP_FETCH_EXPIRED,
    /** Wants left out of a request so it stays within the protocol's limits. */
    WANTS_CAPPED,
    /** A peer's input made the room throw; contained, and that link closed. */
    INTERNAL_ERROR,
    /** A connection closed because TLS failed: not TLS, no identity certificate, bad binding. */
    TLS_FAILED,
    /** A private room handshake whose J-PAKE key confirmation failed: a wrong secret. */
    WRONG_ROOM_SECRET,
    /** An incoming private room connection refused: its address made too many wrong guesses. */
    SECRET_GUESSES_THROTTLED,
    /**
     * An equivocation proof of the wrong shape: a head missing, a run over its limit or not its
     * head's consecutive chained messages, heads of two origins; link closed.
     */
    PROOF_MALFORMED,
    /**
     * An equivocation proof whose heads are not validly signed for this room by their origin, or
     * whose runs do not hash down to their heads; link closed.
     */
    PROOF_FORGED,
    /** An equivocation proof whose two histories agree where it says they differ; link closed. */
    PROOF_AGREES,
    /** A valid equivocation proof against one more author dropped: proofs are at their budget. */
    PROOF_BUDGET,
    /**
     * A member a tracker listed without a signed statement that holds (unsigned, expired, another
     * key's, another address or room): ignored, never dialed.
     */
    TRACKER_MEMBER_REFUSED,
    /**
     * A sync request answered short, or with nothing: its link had asked again for more than we
     * hold, past its budget for asking again (a request flood).
     */
    SYNC_ANSWER_BUDGET,
    /**
     * A digest's tips left to compare with our chain at a later period: the link's budget for tip
     * comparisons was spent (many tips, or a member naming changed tips at every frame).
     */
    DIGEST_TIPS_DEFERRED,
    /**
     * A digest held more origins or seq ranges than one frame may name (10,000; 65,536): a frame
     * sent and the rest in the next, incremental ones (rev31 FINDING-7).
     */
    DIGEST_PARTS,
    /**
     * An origin with more gaps than one digest frame may name: only a window of its ranges was
     * named, a different one each time.
     */
    DIGEST_WIDE_ORIGINS,
    /**
     * A received message whose row a rolled-back write or commit took (a full disk): held no more
     * and not shown, since it is not in the file; fetched again in the same session once the store
     * takes rows again.
     */
    RECEIVED_NOT_STORED,
    /**
     * A write to this peer's own history store failed (a full disk, an I/O error) while the room
     * handled a frame or a commit: the unit of work rolled back. No link is closed or blamed for
     * it.
     */
    STORE_FAILED,
    /**
     * An incoming connection closed right after accept, before TLS: its address, or everyone
     * together, opened connections faster than the handshake budget (each costs the room thread a
     * TLS handshake).
     */
    HANDSHAKE_RATE_REFUSED,
    /**
     * An incoming private room connection refused ({@code Close{LIMIT_EXCEEDED}}) because this
     * peer's J-PAKE work for connections not linked yet was at its bound ({@code PakeGate}).
     */
    PAKE_BUSY_REFUSED,
    /**
     * A link closed ({@code Close{LIMIT_EXCEEDED}}) because it taught the keys of more authors than
     * one link may ({@code ChainCheck.MAX_KEYS}).
     */
    LINK_KEYS_REFUSED
  }

  /**
   * What went by: read by {@code /metrics} (as {@code meshchat_peer_<metric>}), not shown in the
   * limits line.
   */
  public enum Traffic {
    MESSAGES_AUTHORED("messages_authored", "Chat messages this peer wrote."),
    MESSAGES_RECEIVED(
        "messages_received",
        "Chat messages read from links, live or in history batches, duplicates included."),
    MESSAGES_FORWARDED("messages_forwarded", "Other peers' chat messages relayed live to a link."),
    MESSAGES_DELIVERED("messages_delivered", "Messages shown in the timeline, own ones included."),
    MESSAGES_DUPLICATE_LIVE(
        "messages_duplicate_live",
        "Chat messages pushed live by a link that this peer already stored (received twice)."),
    LINES_EARLY(
        "lines_early",
        "Live lines of a link's peer passed on before their signed head: shown at once, then"
            + " stored when the head is checked (each passes the room twice)."),
    LINES_EARLY_REFUSED(
        "lines_early_refused",
        "Lines passed early that the room refused to show early (a limit, a check): shown when"
            + " their head is checked. Lines waiting for a dependency are not counted."),
    LINES_SHOWN_EARLY(
        "lines_shown_early",
        "Lines the room showed before their signed head was checked (counted as each is shown)."),
    LINES_STREAMED(
        "lines_streamed",
        "Live lines of a link's peer read with a signed head that covers them, in a stream:"
            + " passed on once, when the head is checked."),
    LINES_DURING_CHECK(
        "lines_during_check",
        "Live lines of a link's peer read while the check of an earlier head ran: taken at once,"
            + " not behind it."),
    SYNC_REQUESTS_SENT(
        "sync_requests_sent", "SyncRequests sent: anti-entropy asking a link for what we lack."),
    LINKS_LIVE_PATH(
        "links_live_path",
        "Links up whose live chats go from the room straight to their TLS write coalescer, past"
            + " the pipeline's handlers (every TLS link as built; a link without it writes each"
            + " chat through the pipeline, the same bytes at more cost)."),
    BYTES_IN("received_bytes", "Bytes read from links, framing included."),
    BYTES_OUT("sent_bytes", "Bytes written to links, framing included.");

    /** The metric's name after {@code meshchat_peer_}. */
    public final String metric;

    /** What it counts, as the metric's help. */
    public final String help;

    Traffic(String metric, String help) {
      this.metric = metric;
      this.help = help;
    }
  }

  private final Counts<Counter> limits = new Counts<>(Counter.class);
  private final LogBudget[] logBudgets = new LogBudget[Counter.values().length];
  private final Counts<Traffic> traffic = new Counts<>(Traffic.class);
  // by reason: a Close reason's lower-case name or "none", so a bounded set of keys
  private final Map<String, AtomicLong> linkCloses = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> linkClosesByThem = new ConcurrentHashMap<>();

  public void add(Traffic t, long n) {
    traffic.add(t, n);
  }

  public long get(Traffic t) {
    return traffic.get(t);
  }

  /**
   * The log lines {@code c}'s cases may take ({@link LogBudget}): a case a stranger can cause once
   * per connection is counted every time but logged at most ten times a minute.
   */
  public LogBudget logBudget(Counter c) {
    synchronized (logBudgets) {
      LogBudget b = logBudgets[c.ordinal()];
      if (b == null) {
        b = new LogBudget();
        logBudgets[c.ordinal()] = b;
      }
      return b;
    }
  }

  public void increment(Counter c) {
    limits.increment(c);
  }

  public long get(Counter c) {
    return limits.get(c);
  }

  /**
   * A link of this peer went down: {@code reason} is the lower-case name of the Close's reason we
   * sent on it, else of the one it sent us, else {@code "none"} (end of stream, a reset, a TLS
   * failure).
   */
  public void linkClosed(String reason) {
    linkClosed(reason, false);
  }

  /**
   * As {@link #linkClosed(String)}; {@code byThem}: the reason is the one the other side sent (we
   * sent none), counted in {@link #linkClosesByThem} as well.
   */
  public void linkClosed(String reason, boolean byThem) {
    linkCloses.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    if (byThem) {
      linkClosesByThem.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }
  }

  /** The links that went down so far by reason ({@link #linkClosed}), by name. */
  public Map<String, Long> linkCloses() {
    return byName(linkCloses);
  }

  /** Of {@link #linkCloses}, those whose reason the other side gave (it closed them). */
  public Map<String, Long> linkClosesByThem() {
    return byName(linkClosesByThem);
  }

  private static Map<String, Long> byName(Map<String, AtomicLong> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((reason, n) -> out.put(reason, n.get()));
    return out;
  }

  /** Every limit counter, in declaration order. */
  public Map<Counter, Long> snapshot() {
    return limits.all();
  }

  /** Every limit counter by name, zeros included (for {@code /metrics}). */
  public Map<String, Long> limitsByName() {
    return limits.byName();
  }

  /** One line, only the limit counters that are not zero; "none" if all are. */
  @Override
  public String toString() {
    return limits.toString();
  }
}
