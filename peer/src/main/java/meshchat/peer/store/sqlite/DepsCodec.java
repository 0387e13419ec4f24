package meshchat.peer.store.sqlite;

import java.io.ByteArrayOutputStream;
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
    if (deps.isEmpty()) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(deps.size() * 20);
    for (MessageId d : deps) {
      byte[] origin = d.origin().toBytes();
      writeVarint(out, origin.length);
      out.writeBytes(origin);
      writeVarint(out, d.seq());
    }
    return out.toByteArray();
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
      byte[] origin = new byte[(int) len];
      System.arraycopy(blob, pos[0], origin, 0, origin.length);
      pos[0] += origin.length;
      out.add(new MessageId(PeerId.of(origin), readVarint(blob, pos)));
    }
    return out;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
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
