package meshchat.peer.store.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
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
    if (deps.isEmpty()) {
      return new byte[0];
    }
    int size = 0;
    for (MessageId d : deps) {
      size += 1 + d.origin().length() + 10; // a length varint of one byte (ids are short)
    }
    byte[] out = new byte[size];
    int at = 0;
    for (MessageId d : deps) {
      at = writeVarint(out, at, d.origin().length());
      d.origin().copyTo(out, at);
      at += d.origin().length();
      at = writeVarint(out, at, d.seq());
    }
    return Arrays.copyOf(out, at);
  }

  /**
   * @throws IllegalArgumentException if {@code blob} is not a valid encoding
   */
  static List<MessageId> decode(byte[] blob) {
    if (blob == null || blob.length == 0) {
      return List.of();
    }
    List<MessageId> out = new ArrayList<>(2);
    int[] pos = {0};
    while (pos[0] < blob.length) {
      long len = readVarint(blob, pos);
      if (len < 1 || len > PeerId.MAX_BYTES || pos[0] + len > blob.length) {
        throw new IllegalArgumentException("bad deps encoding: origin length " + len);
      }
      PeerId origin = PeerId.of(blob, pos[0], (int) len);
      pos[0] += (int) len;
      out.add(new MessageId(origin, readVarint(blob, pos)));
    }
    return out;
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
