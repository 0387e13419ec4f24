package meshchat.peer.frame;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * Reads the frames every message crosses (a chat message, a history batch, a chain head) from their
 * bytes straight into the domain records, without the generated classes' builders, their {@code
 * ByteString}s and a second conversion: those were a sixth of a receiving thread's samples in the
 * throughput cell, and the generated {@code mergeFrom}s were the JIT's largest compiles
 * (docs/benchmarks.md, session 13). Peer ids come from {@link PeerId#of(byte[], int, int)}, which
 * hands out the instance an id already has.
 *
 * <p>It reads a strict subset of what Protobuf accepts: the envelope holds exactly one field, and
 * every field inside is one that link.proto declares, with its declared wire type. Anything else
 * (an unknown or mistyped field, a malformed varint or length, a string that is not UTF-8) gives
 * null, and the generated parser decides the frame as before, so what a frame means, and how a bad
 * one is refused, does not depend on which reader read it. Repeated singular fields keep the last,
 * as Protobuf does. The checks on content are {@link LinkCodec}'s, shared.
 */
final class LinkFrameReader {
  // link.proto field numbers: LinkFrame's body cases read here
  private static final int CHAT = 2;
  private static final int SYNC_BATCH = 5;
  private static final int HEAD = 15;

  private static final int VARINT = 0;
  private static final int LEN = 2;

  /**
   * Not read here: the generated parser decides. Thrown without a stack, caught in {@link #read}.
   */
  private static final class NotSimple extends RuntimeException {
    NotSimple() {
      super(null, null, false, false);
    }
  }

  private static final NotSimple NOT_SIMPLE = new NotSimple();

  private static final byte[] NONE = new byte[0]; // an absent bytes field: empty, never written

  private byte[] b;
  private int pos;
  private LinkContext nicks; // a live chat frame's link: the nick it read last, as a string
  // a live chat frame's fields, kept by the link's reader for its next frame: a reader, a RawChat
  // and its three arrays per frame were a tenth of what a delivery allocated (session 24)
  private final RawChat live = new RawChat();

  LinkFrameReader() {}

  /** This reader on {@code b} from {@code pos}: one per link, its frames read one at a time. */
  LinkFrameReader on(byte[] b, int pos) {
    this.b = b;
    this.pos = pos;
    this.nicks = null;
    return this;
  }

  /**
   * The frame in {@code b[from, from + length)} as a record, or null if this reader does not read
   * it. Content that breaks a rule raises {@link LinkFrameException}, as {@link
   * LinkCodec#fromFrame} would for the same frame.
   */
  static LinkMessage read(byte[] b, int from, int length) {
    return read(b, from, length, new LinkContext());
  }

  /**
   * As {@link #read(byte[], int, int)}, on a link whose peer bound the origin numbers in {@code
   * context}: a live chat frame may use and bind them.
   */
  static LinkMessage read(byte[] b, int from, int length, LinkContext context) {
    LinkFrameReader r = context.reader(b, from);
    try {
      return r.read(from, length, context);
    } finally {
      r.b = null; // the frame's bytes are not kept past it
    }
  }

  private LinkMessage read(int from, int length, LinkContext context) {
    LinkFrameReader r = this;
    int end = from + length;
    int body;
    int limit;
    try {
      if (length == 0) {
        return null;
      }
      int tag = r.tag(end);
      if ((tag & 7) != LEN) {
        return null;
      }
      body = tag >>> 3;
      limit = r.limit(end);
      if (limit != end) {
        return null; // more than one field: merged or unknown; the generated parser decides
      }
    } catch (NotSimple e) {
      return null;
    }
    switch (body) {
      case CHAT:
        return r.chatFrame(limit, context);
      case SYNC_BATCH:
        return r.syncBatchFrame(limit);
      case HEAD:
        return r.headFrame(limit);
      default:
        return null;
    }
  }

  /**
   * A history batch frame whose messages are read later, off the link's thread ({@link
   * ChainVerifier} reads them on the verify pool, inside the batch's check): its request id, flag
   * and heads are read now (the link's keys are learnt from the heads in the link's order), its
   * messages only skipped over and counted. The bytes are the batch's own copy.
   */
  static final class DeferredBatch {
    private final byte[] frame;
    private final LinkMessage.SyncBatch shell; // requestId, done and heads; no messages

    private DeferredBatch(byte[] frame, LinkMessage.SyncBatch shell) {
      this.frame = frame;
      this.shell = shell;
    }

    /** The batch without its messages: what the link's thread needs of it (its heads' keys). */
    LinkMessage.SyncBatch shell() {
      return shell;
    }

    /**
     * The whole batch, as {@link LinkFrameDecoder#decode(byte[], meshchat.peer.identity.RoomKey)}
     * reads the same frame (a message this reader does not read sends the frame to the generated
     * parser, as there); a frame that breaks a rule raises the {@code DecoderException} that the
     * decoder would have. Touches nothing of the link: any thread may run it.
     */
    LinkMessage.SyncBatch decode() {
      LinkMessage m;
      try {
        m = new LinkFrameReader().on(frame, 0).read(0, frame.length, null);
        if (m == null) {
          m = LinkCodec.fromFrame(meshchat.proto.v1.LinkFrame.parseFrom(frame), null);
        }
      } catch (io.netty.handler.codec.DecoderException e) {
        throw e;
      } catch (Exception e) {
        throw new io.netty.handler.codec.DecoderException(e);
      }
      if (!(m instanceof LinkMessage.SyncBatch batch)) {
        throw new LinkFrameException(LinkMessage.CloseReason.INVALID_MESSAGE, "sync_batch: unread");
      }
      return batch;
    }
  }

  /**
   * The frame in {@code b[from, from + length)} as a {@link DeferredBatch} if it is a history batch
   * this reader reads at its top level, else null (read it as before). A count over the limit or a
   * head that breaks a rule raises {@link LinkFrameException} here, as {@link #read} would. {@code
   * owned}: {@code b} is this frame's alone, and kept as it is; else the frame is copied.
   */
  static DeferredBatch deferredBatch(byte[] b, int from, int length, boolean owned) {
    if (length == 0 || b[from] != (SYNC_BATCH << 3 | LEN)) {
      return null; // not a batch (nearly every frame): nothing made
    }
    LinkFrameReader r = new LinkFrameReader().on(b, from);
    int end = from + length;
    long requestId = 0;
    boolean done = false;
    int messages = 0;
    List<RawHead> rawHeads = new ArrayList<>();
    try {
      if (length == 0 || r.tag(end) != (SYNC_BATCH << 3 | LEN) || r.limit(end) != end) {
        return null;
      }
      while (r.pos < end) {
        int tag = r.tag(end);
        switch (tag) {
          case 1 << 3 | VARINT -> requestId = r.varint(end);
          case 2 << 3 | LEN -> {
            r.pos = r.limit(end);
            messages++;
          }
          case 3 << 3 | VARINT -> done = r.varint(end) != 0;
          case 4 << 3 | LEN -> rawHeads.add(r.head(r.limit(end)));
          default -> throw NOT_SIMPLE;
        }
      }
    } catch (NotSimple e) {
      return null;
    }
    List<ChainHead> heads = new ArrayList<>(rawHeads.size());
    try {
      LinkCodec.atMost("batch messages", messages, LinkCodec.MAX_BATCH_MESSAGES);
      LinkCodec.atMost("batch heads", rawHeads.size(), LinkCodec.MAX_BATCH_MESSAGES);
      for (RawHead h : rawHeads) {
        heads.add(h.head(b));
      }
    } catch (IllegalArgumentException e) {
      throw new LinkFrameException(
          LinkMessage.CloseReason.INVALID_MESSAGE, "sync_batch: " + e.getMessage());
    }
    byte[] frame = owned && from == 0 && length == b.length ? b : Arrays.copyOfRange(b, from, end);
    return new DeferredBatch(frame, new LinkMessage.SyncBatch(requestId, List.of(), done, heads));
  }

  private LinkMessage chatFrame(int limit, LinkContext context) {
    RawChat c;
    nicks = context;
    try {
      c = chat(limit, live.reset());
    } catch (NotSimple e) {
      return null;
    }
    try {
      ChatMessage m = c.message(b, context);
      return new LinkMessage.Chat(m, c.hash);
    } catch (IllegalArgumentException e) {
      throw new LinkFrameException(
          LinkMessage.CloseReason.INVALID_MESSAGE, "chat: " + e.getMessage());
    }
  }

  private LinkMessage headFrame(int limit) {
    RawHead h;
    try {
      h = head(limit);
    } catch (NotSimple e) {
      return null;
    }
    try {
      return new LinkMessage.Head(h.head(b));
    } catch (IllegalArgumentException e) {
      throw new LinkFrameException(
          LinkMessage.CloseReason.INVALID_MESSAGE, "head: " + e.getMessage());
    }
  }

  private LinkMessage syncBatchFrame(int limit) {
    long requestId = 0;
    boolean done = false;
    List<RawChat> rawMessages = new ArrayList<>();
    List<RawHead> rawHeads = new ArrayList<>();
    try {
      while (pos < limit) {
        int tag = tag(limit);
        switch (tag) {
          case 1 << 3 | VARINT -> requestId = varint(limit);
          case 2 << 3 | LEN -> rawMessages.add(chat(limit(limit)));
          case 3 << 3 | VARINT -> done = varint(limit) != 0;
          case 4 << 3 | LEN -> rawHeads.add(head(limit(limit)));
          default -> throw NOT_SIMPLE;
        }
      }
    } catch (NotSimple e) {
      return null;
    }
    try {
      LinkCodec.atMost("batch messages", rawMessages.size(), LinkCodec.MAX_BATCH_MESSAGES);
      LinkCodec.atMost("batch heads", rawHeads.size(), LinkCodec.MAX_BATCH_MESSAGES);
      List<ChatMessage> messages = new ArrayList<>(rawMessages.size());
      for (RawChat c : rawMessages) {
        messages.add(c.message(b, null));
      }
      List<ChainHead> heads = new ArrayList<>(rawHeads.size());
      for (RawHead h : rawHeads) {
        heads.add(h.head(b));
      }
      return new LinkMessage.SyncBatch(requestId, messages, done, heads);
    } catch (IllegalArgumentException e) {
      throw new LinkFrameException(
          LinkMessage.CloseReason.INVALID_MESSAGE, "sync_batch: " + e.getMessage());
    }
  }

  /** A ChatMessage's fields as read, before LinkCodec's checks (which run in its order). */
  private static final class RawChat {
    int originAt = -1;
    int originLength;
    long seq;
    long lamport;
    long wallTimeMs;
    String nick = "";
    int nickBytes;
    String text = "";
    int textAt = -1;
    int textBytes;
    int sealedAt = -1;
    int sealedLength;
    int prevAt = -1;
    int prevLength;
    int kind;
    long originRef; // as the uint32 read; 0: none
    boolean hasWallDelta;
    long wallDelta;
    int deps;
    // room for 4 deps (a five-peer room's messages name four), grown past that
    int[] depAt = new int[8]; // origin offset, origin length, per dep
    long[] depSeq = new long[4];
    long[] depRef = new long[4];
    // the deps' ids as resolved, and a list over them that the message copies (SharedValues.ids
    // makes its own array): no list and list array per frame (2 % of a delivery's bytes in the
    // throughput cell, docs/benchmarks.md, session 35)
    MessageId[] depIds = new MessageId[4];
    private final DepList depList = new DepList();
    // the chain hash of the live chat message() made last, in a link context that chains; else null
    byte[] hash;

    /** The first {@code deps} of {@link #depIds}, read only while the message is made. */
    private final class DepList extends AbstractList<MessageId> implements RandomAccess {
      int size;

      @Override
      public MessageId get(int index) {
        Objects.checkIndex(index, size);
        return depIds[index];
      }

      @Override
      public int size() {
        return size;
      }
    }

    /**
     * As new, for the link's next frame: arrays grown past {@link LinkCodec#MAX_DEPS} (a frame that
     * is refused for its deps) are not kept.
     */
    RawChat reset() {
      originAt = -1;
      originLength = 0;
      seq = 0;
      lamport = 0;
      wallTimeMs = 0;
      nick = "";
      nickBytes = 0;
      text = "";
      textAt = -1;
      textBytes = 0;
      sealedAt = -1;
      sealedLength = 0;
      prevAt = -1;
      prevLength = 0;
      kind = 0;
      originRef = 0;
      hasWallDelta = false;
      wallDelta = 0;
      deps = 0;
      if (depSeq.length > LinkCodec.MAX_DEPS) {
        depAt = new int[8];
        depSeq = new long[4];
        depRef = new long[4];
        depIds = new MessageId[4];
      }
      return this;
    }

    void dep(int at, int length, long seq, long ref) {
      if (deps == depSeq.length) {
        depSeq = Arrays.copyOf(depSeq, deps * 2);
        depRef = Arrays.copyOf(depRef, deps * 2);
        depAt = Arrays.copyOf(depAt, deps * 4);
        depIds = new MessageId[deps * 2];
      }
      depAt[2 * deps] = at;
      depAt[2 * deps + 1] = length;
      depRef[deps] = ref;
      depSeq[deps++] = seq;
    }

    /**
     * {@code context}: a live chat frame's link context (origins by number, {@code prev} left out);
     * null anywhere else, where numbers are ignored and origins and {@code prev} always present.
     * The message's origin is resolved first, then its deps' in order (a binding counts at once).
     */
    ChatMessage message(byte[] b, LinkContext context) {
      LinkCodec.chatSizes(nickBytes, textBytes, sealedLength, deps);
      PeerId origin = origin(b, originAt, originLength, originRef, context);
      for (int i = 0; i < deps; i++) {
        depIds[i] =
            MessageId.of(origin(b, depAt[2 * i], depAt[2 * i + 1], depRef[i], context), depSeq[i]);
      }
      DepList ids = depList;
      ids.size = deps;
      // a live chat frame that left prev out, on a link whose reader chains: the link's last live
      // chat's hash if that was its predecessor (else refused, once the frame is checked)
      boolean chains = context != null && context.chains();
      byte[] prev;
      boolean notPredecessor = false;
      if (prevAt >= 0) {
        prev = Arrays.copyOfRange(b, prevAt, prevAt + prevLength);
      } else if (chains) {
        prev = context.impliedPrev(origin, seq);
        if (prev == null) {
          prev = NONE;
          notPredecessor = true;
        }
      } else {
        prev = NONE;
      }
      long wall =
          context == null ? wallTimeMs : context.wallTime(wallTimeMs, hasWallDelta, wallDelta);
      ChatMessage m =
          LinkCodec.chat(
              MessageId.of(origin, seq),
              lamport,
              wall,
              nick,
              text,
              bytes(b, sealedAt, sealedLength),
              ids,
              prev,
              kind,
              null,
              context != null);
      Arrays.fill(depIds, 0, deps, null); // copied into the message: not kept past it
      hash = null;
      if (context != null) {
        context.read(m);
        if (chains) {
          if (notPredecessor) {
            throw LinkContext.notPredecessor(m.id());
          }
          // hashed here, from the text's bytes as read (not encoded again), and the link's chain
          // moved on: the chain check takes the hash with the message (docs/benchmarks.md,
          // session 36)
          hash =
              textAt < 0
                  ? MessageSigning.hash(m, context.room())
                  : MessageSigning.hash(m, context.room(), b, textAt, textBytes);
          context.chained(m, hash);
        }
      }
      return m;
    }

    private static PeerId origin(byte[] b, int at, int length, long ref, LinkContext context) {
      if (context == null || ref == 0) {
        return id(b, at, length); // in full (an absent one is refused here)
      }
      return context.resolve(at < 0 ? null : PeerId.of(b, at, length), ref);
    }
  }

  /** A ChainHead's fields as read. */
  private static final class RawHead {
    int originAt = -1;
    int originLength;
    long seq;
    int hashAt = -1;
    int hashLength;
    int signatureAt = -1;
    int signatureLength;
    int keyAt = -1;
    int keyLength;

    ChainHead head(byte[] b) {
      LinkCodec.headSizes(keyLength, signatureLength);
      return new ChainHead(
          id(b, originAt, originLength),
          seq,
          bytes(b, hashAt, hashLength),
          bytes(b, signatureAt, signatureLength),
          bytes(b, keyAt, keyLength));
    }
  }

  private static PeerId id(byte[] b, int at, int length) {
    // an absent origin is empty: refused as the generated path refuses it
    return at < 0 ? PeerId.of(new byte[0]) : PeerId.of(b, at, length);
  }

  private static byte[] bytes(byte[] b, int at, int length) {
    return at < 0 ? NONE : Arrays.copyOfRange(b, at, at + length);
  }

  private RawChat chat(int limit) {
    return chat(limit, new RawChat());
  }

  private RawChat chat(int limit, RawChat c) {
    while (pos < limit) {
      int tag = tag(limit);
      switch (tag) {
        case 1 << 3 | LEN -> {
          int end = limit(limit);
          c.originAt = pos;
          c.originLength = end - pos;
          pos = end;
        }
        case 2 << 3 | VARINT -> c.seq = varint(limit);
        case 3 << 3 | VARINT -> c.lamport = varint(limit);
        case 4 << 3 | VARINT -> c.wallTimeMs = varint(limit);
        case 5 << 3 | LEN -> {
          int end = limit(limit);
          c.nickBytes = end - pos;
          c.nick = nick(end);
        }
        case 6 << 3 | LEN -> {
          int end = limit(limit);
          c.textAt = pos;
          c.textBytes = end - pos;
          c.text = string(end);
        }
        case 7 << 3 | LEN -> dep(c, limit(limit));
        case 10 << 3 | LEN -> {
          int end = limit(limit);
          c.sealedAt = pos;
          c.sealedLength = end - pos;
          pos = end;
        }
        case 11 << 3 | LEN -> {
          int end = limit(limit);
          c.prevAt = pos;
          c.prevLength = end - pos;
          pos = end;
        }
        case 12 << 3 | VARINT -> c.kind = (int) varint(limit); // an enum: int32, low 32 bits
        case 13 << 3 | VARINT -> c.originRef = uint32(limit);
        case 14 << 3 | VARINT -> {
          long n = varint(limit); // sint64: zigzag
          c.wallDelta = (n >>> 1) ^ -(n & 1);
          c.hasWallDelta = true;
        }
        default -> throw NOT_SIMPLE;
      }
    }
    return c;
  }

  private void dep(RawChat c, int limit) {
    int at = -1;
    int length = 0;
    long seq = 0;
    long ref = 0;
    while (pos < limit) {
      int tag = tag(limit);
      switch (tag) {
        case 1 << 3 | LEN -> {
          int end = limit(limit);
          at = pos;
          length = end - pos;
          pos = end;
        }
        case 2 << 3 | VARINT -> seq = varint(limit);
        case 3 << 3 | VARINT -> ref = uint32(limit);
        default -> throw NOT_SIMPLE;
      }
    }
    c.dep(at, length, seq, ref);
  }

  private RawHead head(int limit) {
    RawHead h = new RawHead();
    while (pos < limit) {
      int tag = tag(limit);
      if (tag == (2 << 3 | VARINT)) {
        h.seq = varint(limit);
        continue;
      }
      if ((tag & 7) != LEN) {
        throw NOT_SIMPLE;
      }
      int end = limit(limit);
      switch (tag >>> 3) {
        case 1 -> {
          h.originAt = pos;
          h.originLength = end - pos;
        }
        case 3 -> {
          h.hashAt = pos;
          h.hashLength = end - pos;
        }
        case 4 -> {
          h.signatureAt = pos;
          h.signatureLength = end - pos;
        }
        case 5 -> {
          h.keyAt = pos;
          h.keyLength = end - pos;
        }
        default -> throw NOT_SIMPLE;
      }
      pos = end;
    }
    return h;
  }

  /** A tag: field numbers here are small, so a tag over 5 bytes or of field 0 is not simple. */
  private int tag(int limit) {
    long t = varint(limit);
    if (t <= 7 || t > Integer.MAX_VALUE) {
      throw NOT_SIMPLE;
    }
    return (int) t;
  }

  /** A length prefix; the end of what it covers, within {@code limit}. */
  private int limit(int limit) {
    long n = varint(limit);
    if (n < 0 || n > limit - pos) {
      throw NOT_SIMPLE;
    }
    return pos + (int) n;
  }

  /** A uint32 field: a varint's low 32 bits, unsigned, as Protobuf reads one. */
  private long uint32(int limit) {
    return Integer.toUnsignedLong((int) varint(limit));
  }

  /** A base-128 varint of at most 10 bytes, as Protobuf reads one (the bits past 64 dropped). */
  private long varint(int limit) {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= limit) {
        throw NOT_SIMPLE;
      }
      byte x = b[pos++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw NOT_SIMPLE; // over 10 bytes: malformed
  }

  /**
   * A nick up to {@code end}: on a live chat frame's link, the string of the link's last nick if
   * the bytes are the same (an author's every line carries its nick: one string per line decoded,
   * and hashed again where nicks are shared and stored, for the same few bytes).
   */
  private String nick(int end) {
    LinkContext k = nicks;
    String s = k == null ? null : k.sameNick(b, pos, end);
    if (s != null) {
      pos = end;
      return s;
    }
    int from = pos;
    s = string(end);
    if (k != null) {
      k.nickRead(b, from, end, s);
    }
    return s;
  }

  /** UTF-8 up to {@code end}; not valid UTF-8 is not simple (Protobuf refuses it for proto3). */
  private String string(int end) {
    int from = pos;
    pos = end;
    boolean ascii = true;
    for (int i = from; i < end; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(b, from, end - from, StandardCharsets.ISO_8859_1);
    }
    String s = new String(b, from, end - from, StandardCharsets.UTF_8);
    // the JDK's decoder replaces what is not well-formed UTF-8 (overlong forms and surrogates
    // included), so only well-formed input encodes back to the same bytes
    byte[] again = s.getBytes(StandardCharsets.UTF_8);
    if (!Arrays.equals(again, 0, again.length, b, from, end)) {
      throw NOT_SIMPLE;
    }
    return s;
  }
}
