package meshchat.peer.frame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * Writes the frames every message crosses (a chat message, a chain head, a history batch of an open
 * room) from the records straight to their length-prefixed bytes, as the generated classes would
 * serialize {@link LinkCodec#toFrame}'s {@code LinkFrame} (fields in number order, proto3 defaults
 * left out; {@code LinkFrameWriterTest} pins that the bytes are the same), without building that
 * frame first: the builders, {@code ByteString}s, size passes and a direct buffer per link were a
 * sixth of a sending room thread's samples in the throughput cell (docs/benchmarks.md, session 13).
 * The bytes are made once per frame for all links and written as they are.
 */
final class LinkFrameWriter {
  private static final int VARINT = 0;
  private static final int LEN = 2;

  private byte[] out;
  private int size;

  private LinkFrameWriter(int capacity) {
    out = new byte[capacity];
  }

  /**
   * {@code varint32 length ‖ LinkFrame} for a head or a history batch {@code m}, or null for any
   * other frame (a live chat is {@link #contextChat}'s).
   */
  static byte[] framed(LinkMessage m) {
    if (m instanceof LinkMessage.Head h) {
      LinkFrameWriter w = new LinkFrameWriter(192);
      int frame = w.begin();
      w.tag(15, LEN);
      int body = w.begin();
      w.head(h.head());
      w.end(body);
      w.end(frame);
      return w.bytes();
    }
    if (m instanceof LinkMessage.SyncBatch b) {
      LinkFrameWriter w = new LinkFrameWriter(batchCapacity(b.messages()));
      int frame = w.begin();
      w.tag(5, LEN);
      int body = w.begin();
      if (b.requestId() != 0) {
        w.tag(1, VARINT);
        w.varint(b.requestId());
      }
      for (ChatMessage msg : b.messages()) {
        w.tag(2, LEN);
        int at = w.begin();
        w.chat(msg, null, null, null);
        w.end(at);
      }
      if (b.done()) {
        w.tag(3, VARINT);
        w.varint(1);
      }
      for (ChainHead head : b.heads()) {
        w.tag(4, LEN);
        int at = w.begin();
        w.head(head);
        w.end(at);
      }
      w.end(body);
      w.end(frame);
      return w.bytes();
    }
    return null;
  }

  /**
   * Room for a history batch of {@code messages}: a little over their fields' bytes when the text
   * is ASCII (each message's tags, lengths, numbers, origin, prev and deps: ~100 bytes, ~50 a dep
   * with a 32-byte origin), so that a batch of 1,024 100-byte lines (~200 KB) fills one array
   * instead of doubling it once and trimming (docs/benchmarks.md, session 19). Longer UTF-8 text
   * still grows the array, as before.
   */
  private static int batchCapacity(List<ChatMessage> messages) {
    long n = 256;
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      n += 128 + m.text().length() + m.nick().length() + 48L * m.deps().size();
    }
    return (int) Math.min(n, 1 << 24); // past it, the array grows as it fills
  }

  /**
   * A live chat frame in a link's context (docs/protocol.md, "Link context"), after the link's live
   * chat {@code after} (null: the first): each origin by its number {@code refs[i]} (index 0 the
   * message's own, then its deps'), with its bytes too where the number is 0 (none) or not yet in
   * {@code bound} (which it then joins; null: all are bound); without {@code prev} if {@code after}
   * is its predecessor; the wall time as a difference to {@code after}'s. {@code refs} and {@code
   * after} null: the full frame, as the generated classes would write it.
   */
  static byte[] contextChat(ChatMessage m, int[] refs, BitSet bound, ChatMessage after) {
    LinkFrameWriter w = LIVE.get();
    w.size = 0;
    w.room(64 + 3 * (m.text().length() + m.nick().length()));
    int frame = w.begin();
    w.tag(2, LEN);
    int body = w.begin();
    w.chat(m, refs, bound, after);
    w.end(body);
    w.end(frame);
    byte[] framed = Arrays.copyOf(w.out, w.size);
    if (w.out.length > MAX_KEPT) {
      w.out = new byte[LIVE_CAPACITY]; // a long line's array is not kept for the thread's life
    }
    return framed;
  }

  private static final int LIVE_CAPACITY = 1024;

  private static final int MAX_KEPT = 64 * 1024;

  /**
   * The live chat frames' writer of this thread, its array kept from one frame to the next and each
   * frame copied out at its length: an array sized for the worst case (3 bytes a char) per frame,
   * then trimmed by a copy, was 5 % of the bytes the throughput cell allocated per delivery
   * (docs/benchmarks.md, session 35).
   */
  private static final ThreadLocal<LinkFrameWriter> LIVE =
      ThreadLocal.withInitial(() -> new LinkFrameWriter(LIVE_CAPACITY));

  /**
   * A ChatMessage's fields: in full ({@code refs} null, {@code after} null: history, and the full
   * form of a live chat), or in a live chat's link context as {@link #contextChat} says.
   */
  private void chat(ChatMessage m, int[] refs, BitSet bound, ChatMessage after) {
    boolean omitPrev =
        after != null
            && m.isChained()
            && m.origin().equals(after.origin())
            && m.seq() == after.seq() + 1;
    if (needsBytes(refs == null ? 0 : refs[0], bound)) {
      id(1, m.origin());
    }
    uint64(2, m.seq());
    uint64(3, m.lamport());
    if (after == null) {
      uint64(4, m.wallTimeMs()); // int64 on the wire; never negative here (ChatMessage's bounds)
    }
    string(5, m.nick());
    string(6, m.text());
    for (int i = 0; i < m.deps().size(); i++) {
      MessageId d = m.deps().get(i);
      int ref = refs == null ? 0 : refs[i + 1];
      tag(7, LEN);
      int at = begin();
      if (needsBytes(ref, bound)) {
        id(1, d.origin());
      }
      uint64(2, d.seq());
      uint64(3, ref);
      end(at);
    }
    if (m.isChained() && !omitPrev) {
      bytes(11, m.prevUnsafe());
    }
    uint64(12, m.kind().wire());
    uint64(13, refs == null ? 0 : refs[0]);
    if (after != null) {
      long delta = m.wallTimeMs() - after.wallTimeMs(); // both in 0..year 9999: no overflow
      tag(14, VARINT);
      varint((delta << 1) ^ (delta >> 63)); // sint64: zigzag, written even when 0
    }
  }

  /** True if an origin numbered {@code ref} goes in full: no number, or one not yet bound. */
  private boolean needsBytes(int ref, BitSet bound) {
    if (ref == 0) {
      return true;
    }
    if (bound == null || bound.get(ref)) {
      return false;
    }
    bound.set(ref); // sent in full with its number: bound from here on
    return true;
  }

  private void head(ChainHead h) {
    id(1, h.origin());
    uint64(2, h.seq());
    bytes(3, h.hash());
    bytes(4, h.signature());
    bytes(5, h.publicKey());
  }

  private void id(int field, PeerId id) {
    tag(field, LEN);
    varint(id.length());
    room(id.length());
    id.copyTo(out, size);
    size += id.length();
  }

  private void uint64(int field, long v) {
    if (v != 0) {
      tag(field, VARINT);
      varint(v);
    }
  }

  private void string(int field, String s) {
    if (!s.isEmpty()) {
      bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void bytes(int field, byte[] b) {
    if (b.length != 0) {
      tag(field, LEN);
      varint(b.length);
      room(b.length);
      System.arraycopy(b, 0, out, size, b.length);
      size += b.length;
    }
  }

  private void tag(int field, int wireType) {
    varint(field << 3 | wireType);
  }

  private void varint(long v) {
    room(10);
    while ((v & ~0x7FL) != 0) {
      out[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[size++] = (byte) v;
  }

  /** Starts a length-delimited run: one byte is kept for its length, the usual case. */
  private int begin() {
    room(1);
    return size++;
  }

  /** Ends the run begun at {@code at}: writes its length there, moving the run if it needs more. */
  private void end(int at) {
    int n = size - at - 1;
    int extra = varintBytes(n) - 1;
    if (extra > 0) {
      room(extra);
      System.arraycopy(out, at + 1, out, at + 1 + extra, n);
      size += extra;
    }
    int p = at;
    while ((n & ~0x7F) != 0) {
      out[p++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    out[p] = (byte) n;
  }

  private static int varintBytes(int n) {
    return n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5;
  }

  private void room(int n) {
    if (size + n > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + n));
    }
  }

  private byte[] bytes() {
    return size == out.length ? out : Arrays.copyOf(out, size);
  }
}
