package meshchat.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout that signatures and MACs cover (docs/protocol.md, "Canonical encoding"). Unlike
 * Protobuf serialization, which may order fields or encode varints in more than one way, this
 * layout is one byte string per value: every integer is 8 bytes big-endian, every byte string and
 * UTF-8 string is a 4-byte big-endian length followed by its bytes, and the first item is always a
 * context string naming what is signed, so a signature made for one purpose never verifies for
 * another.
 */
public final class CanonicalBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

  private CanonicalBytes() {}

  /** Starts a layout with its context string, e.g. {@code "meshchat/chat/v1"}. */
  public static CanonicalBytes of(String context) {
    return new CanonicalBytes().string(context);
  }

  public CanonicalBytes u64(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
    return this;
  }

  public CanonicalBytes bytes(byte[] b) {
    int n = b.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(b, 0, n);
    return this;
  }

  public CanonicalBytes string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
