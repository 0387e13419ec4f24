package meshchat.peer.frame;

import java.util.Arrays;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;

/**
 * One link's context, read side (docs/protocol.md, "Link context"): in a live chat frame a sender
 * may name an origin by a number of its own, 1..{@link #MAX_REF}, once it has sent the number
 * together with the origin's bytes, and give its wall time as a difference to the link's previous
 * live chat. (A {@code prev} the link implies is {@link ChainCheck}'s.) What it holds is bounded:
 * one reference per number, at most {@link #MAX_REF}, so about 64 KiB per link at worst, whatever a
 * peer sends, and the last nick read (at most {@link WireBounds#MAX_NICK_BYTES}), whose string the
 * next frame with the same nick bytes shares. Not thread-safe: one link, one thread; both readers
 * of a link share it, in the link's order.
 */
public final class LinkContext {
  /** The largest origin number: two varint bytes. */
  public static final int MAX_REF = 16_383;

  private PeerId[] bound = new PeerId[16];
  private boolean anyChat; // a live chat frame was read on this link
  private long lastWallTimeMs; // and this was its wall time
  private byte[] lastNickBytes = new byte[0]; // the last nick a live chat frame carried
  private String lastNick = ""; // and it decoded
  private final LinkFrameReader reader = new LinkFrameReader(); // the link's frames, in turn
  // the room the link's chain hashes cover, null if the chain is ChainCheck's alone; and the link's
  // last live chat and its chain hash: the prev a live chat frame may leave out when it is that
  // message's successor (docs/protocol.md, "Link context")
  private final String room;
  private PeerId lastOrigin;
  private long lastSeq;
  private byte[] lastHash;

  /** A link whose live chats {@link ChainCheck} chains and hashes (tests, fuzzers). */
  public LinkContext() {
    this(null);
  }

  /**
   * A link in {@code room} (as on the wire: its name, or a private room's id), whose readers hash
   * every live chat as they read it and fill in a {@code prev} the frame left out, refusing one
   * whose predecessor is not the link's last live chat; the hash goes on with the message ({@link
   * meshchat.peer.message.LinkMessage.Chat#hash}), so that the chain check neither hashes it again
   * nor makes it a second time with its {@code prev} (docs/benchmarks.md, session 36).
   */
  public LinkContext(String room) {
    this.room = room;
  }

  /** Whether this link's readers chain and hash live chats (see {@link #LinkContext(String)}). */
  boolean chains() {
    return room != null;
  }

  /** The room the chain hashes cover; null if {@link #chains()} is false. */
  String room() {
    return room;
  }

  /**
   * The {@code prev} a live chat of {@code origin} at {@code seq} that left it out has: the link's
   * last live chat's hash if that was its predecessor, else null (the frame is refused).
   */
  byte[] impliedPrev(PeerId origin, long seq) {
    if (lastHash == null || !origin.equals(lastOrigin) || seq != lastSeq + 1) {
      return null;
    }
    return lastHash;
  }

  /**
   * The refusal of a live chat {@code id} that left out prev after another than its predecessor.
   */
  static LinkFrameException notPredecessor(Object id) {
    // as ChainCheck refused it, where the chain was its alone: same reason, counter and words
    return new LinkFrameException(
        LinkMessage.CloseReason.INVALID_MESSAGE,
        "message "
            + id
            + " leaves out prev, but the link's last message is not its"
            + " predecessor",
        Counters.Counter.BAD_SIGNATURE);
  }

  /** The live chat {@code m}, whose chain hash is {@code hash}, was read: the link's last. */
  void chained(ChatMessage m, byte[] hash) {
    lastOrigin = m.origin();
    lastSeq = m.seq();
    lastHash = hash;
  }

  /**
   * A live chat frame's wall time: {@code absolute} (field 4), or, if {@code hasDelta}, the
   * previous live chat's plus {@code delta} (field 4 then absent).
   *
   * @throws IllegalArgumentException for both fields, a difference on the link's first live chat,
   *     or a sum past a long (the range of a wall time is ChatMessage's to check)
   */
  long wallTime(long absolute, boolean hasDelta, long delta) {
    if (!hasDelta) {
      return absolute;
    }
    if (absolute != 0) {
      throw new IllegalArgumentException("both wall_time_ms and wall_time_delta_ms");
    }
    if (!anyChat) {
      throw new IllegalArgumentException("wall_time_delta_ms on the link's first live chat");
    }
    try {
      return Math.addExact(lastWallTimeMs, delta);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("wall_time_delta_ms " + delta + " out of range");
    }
  }

  /** A live chat frame was read to {@code m}: the next one's wall time may refer to it. */
  void read(ChatMessage m) {
    anyChat = true;
    lastWallTimeMs = m.wallTimeMs();
  }

  /** The link's frame reader on {@code b} from {@code from}. */
  LinkFrameReader reader(byte[] b, int from) {
    return reader.on(b, from);
  }

  /**
   * The origin a live chat frame names, from its bytes ({@code origin}, null if absent) and its
   * number ({@code ref}, 0 if absent, as the uint32 read); both bind the number to the origin.
   *
   * @throws IllegalArgumentException for no origin at all, a number out of range, a number bound to
   *     another origin, or a number alone that this link never bound
   */
  public PeerId resolve(PeerId origin, long ref) {
    if (ref == 0) {
      if (origin == null) {
        throw new IllegalArgumentException("no origin");
      }
      return origin;
    }
    if (ref < 0 || ref > MAX_REF) {
      throw new IllegalArgumentException("origin_ref " + ref + " is not 1.." + MAX_REF);
    }
    int r = (int) ref;
    PeerId known = r < bound.length ? bound[r] : null;
    if (origin == null) {
      if (known == null) {
        throw new IllegalArgumentException("origin_ref " + r + " was never bound on this link");
      }
      return known;
    }
    if (known == null) {
      if (r >= bound.length) {
        bound = Arrays.copyOf(bound, Math.min(MAX_REF + 1, Math.max(r + 1, bound.length * 2)));
      }
      bound[r] = origin;
    } else if (!known.equals(origin)) {
      throw new IllegalArgumentException("origin_ref " + r + " is bound to another origin");
    }
    return origin;
  }

  /** The last nick read on this link if its UTF-8 is {@code b[from, end)}, else null. */
  String sameNick(byte[] b, int from, int end) {
    return Arrays.equals(lastNickBytes, 0, lastNickBytes.length, b, from, end) ? lastNick : null;
  }

  /** A live chat frame carried {@code nick}, decoded from {@code b[from, end)}. */
  void nickRead(byte[] b, int from, int end, String nick) {
    if (end - from > WireBounds.MAX_NICK_BYTES) {
      return; // refused once the frame is checked: nothing kept of it
    }
    lastNickBytes = Arrays.copyOfRange(b, from, end);
    lastNick = nick;
  }
}
