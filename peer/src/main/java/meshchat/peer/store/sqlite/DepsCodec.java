package meshchat.peer.store.sqlite;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * A message's deps as one BLOB: per dependency, {@code varint(originLength) origin varint(seq)};
 * the count is implied by the length. Usually one to three ids, so about 20 bytes each for today's
 * 16-byte ids. Our own encoding on purpose: generated Protobuf classes stay in frame/, and the
 * on-disk format must not change when the wire schema does.
 */
final class DepsCodec {
  private DepsCodec() {}

  static byte[] encode(List<MessageId> deps) {
    int n = deps.size();
    if (n == 0) {
      return NONE;
    }
    // the exact size first, and by index: one array per message, no iterator (a catch-up encodes
    // a message's deps for every row it stores)
    int size = 0;
    for (int i = 0; i < n; i++) {
      MessageId d = deps.get(i);
      int len = d.origin().length();
      size += varintSize(len) + len + varintSize(d.seq());
    }
    byte[] out = new byte[size];
    int at = 0;
    for (int i = 0; i < n; i++) {
      MessageId d = deps.get(i);
      at = writeVarint(out, at, d.origin().length());
      d.origin().copyTo(out, at);
      at += d.origin().length();
      at = writeVarint(out, at, d.seq());
    }
    return out;
  }

  private static final byte[] NONE = new byte[0];

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * @throws IllegalArgumentException if {@code blob} is not a valid encoding
   */
  static List<MessageId> decode(byte[] blob) {
    if (blob == null || blob.length == 0) {
      return List.of();
    }
    int[] pos = {0};
    MessageId first = next(blob, pos);
    if (pos[0] == blob.length) {
      return List.of(first); // the common case, one dependency: immutable, so never copied again
    }
    List<MessageId> out = new ArrayList<>(4);
    out.add(first);
    while (pos[0] < blob.length) {
      out.add(next(blob, pos));
    }
    return out;
  }

  private static MessageId next(byte[] blob, int[] pos) {
    long len = readVarint(blob, pos);
    if (len < 1 || len > PeerId.MAX_BYTES || pos[0] + len > blob.length) {
      throw new IllegalArgumentException("bad deps encoding: origin length " + len);
    }
    PeerId origin = PeerId.of(blob, pos[0], (int) len);
    pos[0] += (int) len;
    return new MessageId(origin, readVarint(blob, pos));
  }

  private static int writeVarint(byte[] out, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      out[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    return at;
  }

  private static long readVarint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("bad deps encoding: truncated varint");
      }
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("bad deps encoding: varint too long");
  }
}
