package meshchat.peer.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import meshchat.peer.limit.WireBounds;

/**
 * One chat message as authored: immutable, relayed unchanged.
 *
 * @param lamport the author's Lamport time at send
 * @param wallTimeMs the author's wall clock; shown to people, never used for order
 * @param deps what the author had delivered and no other dependency implies (causal order)
 * @param prev the chain hash of the author's message {@code seq - 1} (32 zero bytes for seq 1): the
 *     link that lets one signed {@link ChainHead} authenticate a whole run of messages
 *     (docs/protocol.md, "Hash chain"); empty on an unchained message (history from before chains,
 *     or the simulation)
 * @param kind what the message is: a line of text, or the author's nick change (then {@code nick}
 *     is the new nick and {@code text} is empty)
 */
public record ChatMessage(
    MessageId id,
    long lamport,
    long wallTimeMs,
    String nick,
    String text,
    List<MessageId> deps,
    byte[] prev,
    Kind kind) {
  private static final byte[] NONE = new byte[0];

  /**
   * What a message is, with its wire number (link.proto's {@code ChatMessage.Kind}). A {@link
   * #NICK} event is authored in the hash chain like a line, so every peer shows the same nick
   * history in the same order and nobody but the author can write it.
   */
  public enum Kind {
    TEXT(0),
    NICK(1);

    private static final Kind[] ALL = values();

    private final int wire;

    Kind(int wire) {
      this.wire = wire;
    }

    public int wire() {
      return wire;
    }

    /** The kind with wire number {@code n}, or null for one this version does not know. */
    public static Kind ofWire(int n) {
      for (Kind k : ALL) { // not values(): a copy per call, and without C2 a call into the VM
        if (k.wire == n) {
          return k;
        }
      }
      return null;
    }
  }

  /** Length of a chain hash (SHA-256). */
  public static final int HASH_BYTES = 32;

  public ChatMessage {
    if (id == null || nick == null || text == null) {
      throw new IllegalArgumentException("id, nick and text are required");
    }
    WireBounds.within("lamport", lamport, 1, WireBounds.MAX_LAMPORT);
    WireBounds.within("wall time", wallTimeMs, 0, WireBounds.MAX_WALL_TIME_MS);
    if (prev != null && prev.length != 0 && prev.length != HASH_BYTES) {
      throw new IllegalArgumentException("prev must be " + HASH_BYTES + " bytes: " + prev.length);
    }
    if (kind == null) {
      kind = Kind.TEXT;
    }
    if (kind == Kind.NICK && !text.isEmpty()) {
      throw new IllegalArgumentException("a nick change carries no text");
    }
    // one instance per author and per message in a stored history, not one per line and mention
    id = SharedValues.id(id);
    nick = SharedValues.nick(nick);
    deps = SharedValues.ids(deps);
    // copyOf, not clone(): without C2 (a peer runs on C1) clone() is a call into the VM
    prev = prev == null || prev.length == 0 ? NONE : Arrays.copyOf(prev, prev.length);
  }

  /** A line of text, chained by {@code prev}. */
  public ChatMessage(
      MessageId id,
      long lamport,
      long wallTimeMs,
      String nick,
      String text,
      List<MessageId> deps,
      byte[] prev) {
    this(id, lamport, wallTimeMs, nick, text, deps, prev, Kind.TEXT);
  }

  /** An unchained message, as the author has it before {@link MessageSigner#chain}. */
  public ChatMessage(
      MessageId id, long lamport, long wallTimeMs, String nick, String text, List<MessageId> deps) {
    this(id, lamport, wallTimeMs, nick, text, deps, NONE, Kind.TEXT);
  }

  /** An unchained nick change to {@code nick}. */
  public static ChatMessage nickChange(
      MessageId id, long lamport, long wallTimeMs, String nick, List<MessageId> deps) {
    return new ChatMessage(id, lamport, wallTimeMs, nick, "", deps, NONE, Kind.NICK);
  }

  public boolean isNickChange() {
    return kind == Kind.NICK;
  }

  /** This message linked to its author's previous one. */
  public ChatMessage chained(byte[] prev) {
    return new ChatMessage(id, lamport, wallTimeMs, nick, text, deps, prev, kind);
  }

  /**
   * A bound on this message's encoded size, cheap to compute (3 bytes per UTF-16 unit of text and
   * nick, 40 per dependency, 64 for the rest): what batches and hold-back budgets count.
   */
  public long approxBytes() {
    return 64L + 3L * (text().length() + nick().length()) + 40L * deps().size();
  }

  /**
   * A bound on this message's bytes inside a history batch frame: its text and nick by their UTF-8
   * length, the rest at its longest (ids of {@link PeerId#MAX_BYTES}, every number at its longest
   * varint, every tag and length prefix): 160 bytes and 80 per dependency. What a sync answer
   * counts to stay within the frame limit. {@link #approxBytes} counts every character as 3 bytes,
   * so a frame budgeted by it held 100-character lines at a third of their size, and a catch-up
   * paid its per-frame costs twice as often.
   */
  public long frameBytesBound() {
    return 160L + utf8Bound(nick) + utf8Bound(text) + 80L * deps.size();
  }

  /**
   * The UTF-8 length of {@code s} as a frame carries it ({@code String.getBytes}, as the frame
   * writer encodes it: a lone surrogate is one byte there). Under C1 alone (a peer's JIT) the JDK's
   * scan and copy of a Latin-1 string take about half the CPU of a loop over its chars, copy
   * included (a 100-character line: ~100 against ~210 ns), and an answer counts each of its
   * messages twice: the char loop was a tenth of the answering room thread's CPU in a catch-up
   * (docs/benchmarks.md, session 25).
   */
  static long utf8Bound(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Whether this message is linked into its author's hash chain (and so can be authenticated). */
  public boolean isChained() {
    return prev.length == HASH_BYTES;
  }

  @Override
  public byte[] prev() {
    return prev.clone();
  }

  /** For hashing without a copy; callers never write to it. */
  public byte[] prevUnsafe() {
    return prev;
  }

  public PeerId origin() {
    return id.origin();
  }

  public long seq() {
    return id.seq();
  }

  /**
   * The canonical total order of messages, as their {@link #timestamp()}s compare, with no
   * timestamp made per comparison (a sync batch of 512 is sorted by it on every peer).
   */
  public static final Comparator<ChatMessage> CANONICAL =
      (a, b) -> {
        int c = Long.compare(a.lamport, b.lamport);
        return c != 0 ? c : a.id.origin().compareTo(b.id.origin());
      };

  /** The key of the canonical total order: (lamport, origin). */
  public LamportTimestamp timestamp() {
    return new LamportTimestamp(lamport, id.origin());
  }

  /**
   * Every component, {@code prev} by content (a record compares arrays by reference), since two
   * copies of one message must be equal (dedupe, forks); field by field, with nothing allocated, as
   * it runs on every duplicate.
   */
  @Override
  public boolean equals(Object o) {
    // the same instance is the common case: every copy a simulated peer gets is the author's object
    return o == this
        || o instanceof ChatMessage m
            && lamport == m.lamport
            && wallTimeMs == m.wallTimeMs
            && kind == m.kind
            && id.equals(m.id)
            && nick.equals(m.nick)
            && text.equals(m.text)
            && deps.equals(m.deps)
            && Arrays.equals(prev, m.prev);
  }

  /** The id and the Lamport time only: two messages that share them and differ are a fork. */
  @Override
  public int hashCode() {
    return 31 * id.hashCode() + Long.hashCode(lamport);
  }

  @Override
  public String toString() {
    return ("ChatMessage[id=%s, lamport=%d, wallTimeMs=%d, nick=%s, text=%s, deps=%s, chained=%s"
            + (kind == Kind.TEXT ? "]" : ", kind=" + kind + "]"))
        .formatted(id, lamport, wallTimeMs, nick, text, deps, isChained());
  }
}
