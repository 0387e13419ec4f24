package meshchat.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;

/**
 * The byte layout that signatures and MACs cover (docs/protocol.md, "Canonical encoding"). Unlike
 * Protobuf serialization, which may order fields or encode varints in more than one way, this
 * layout is one byte string per value: every integer is 8 bytes big-endian, every byte string and
 * UTF-8 string is a 4-byte big-endian length followed by its bytes, and the first item is always a
 * context string naming what is signed, so a signature made for one purpose never verifies for
 * another.
 */
public final class CanonicalBytes {
  // a plain growable array: ByteArrayOutputStream locks on every write, and a chain hash per
  // message made that a tenth of a catch-up's time (docs/benchmarks.md)
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] out = new byte[256];
  private int size;

  private CanonicalBytes() {}

  /** Starts a layout with its context string, e.g. {@code "meshchat/chat/v1"}. */
  public static CanonicalBytes of(String context) {
    return new CanonicalBytes().string(context);
  }

  /**
   * Continues a layout whose first items were made once and kept ({@link #toByteArray} of a layout
   * of the context and the values every such layout starts with, e.g. the room).
   */
  public static CanonicalBytes continuing(byte[] start) {
    CanonicalBytes b = new CanonicalBytes();
    b.room(start.length);
    System.arraycopy(start, 0, b.out, 0, start.length);
    b.size = start.length;
    return b;
  }

  /** An empty layout to {@link #restart} again and again: one per thread, reused per message. */
  public static CanonicalBytes reusable() {
    return new CanonicalBytes();
  }

  /**
   * As {@link #continuing}, but in this layout's own buffer, which is kept from one use to the
   * next: a chain hash per message then allocates no buffer and copies none as it grows (a message
   * with four dependencies outgrows the first 256 bytes). What was written before is gone.
   */
  public CanonicalBytes restart(byte[] start) {
    size = 0;
    room(start.length);
    System.arraycopy(start, 0, out, 0, start.length);
    size = start.length;
    return this;
  }

  private void room(int n) {
    if (size + n > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + n));
    }
  }

  public CanonicalBytes u64(long v) {
    room(8);
    BIG_ENDIAN_LONG.set(out, size, v);
    size += 8;
    return this;
  }

  public CanonicalBytes bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  /** As {@link #bytes(byte[])} for the {@code n} bytes of {@code b} from {@code from}. */
  public CanonicalBytes bytes(byte[] b, int from, int n) {
    room(4 + n);
    out[size++] = (byte) (n >>> 24);
    out[size++] = (byte) (n >>> 16);
    out[size++] = (byte) (n >>> 8);
    out[size++] = (byte) n;
    System.arraycopy(b, from, out, size, n);
    size += n;
    return this;
  }

  public CanonicalBytes string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(out, size);
  }

  /**
   * Whether {@code signature} is the Ed25519 signature of these bytes by {@code rawPublicKey}
   * ({@link Ed25519#verify(byte[], byte[], byte[])}), without copying them.
   */
  public boolean signedBy(byte[] rawPublicKey, byte[] signature) {
    return Ed25519.verify(rawPublicKey, out, 0, size, signature);
  }

  /** As {@link #signedBy(byte[], byte[])}, with {@code verifier}'s decoded keys. */
  public boolean signedBy(Ed25519.Verifier verifier, byte[] rawPublicKey, byte[] signature) {
    return verifier.verify(rawPublicKey, out, 0, size, signature);
  }

  /**
   * As {@link #digest(MessageDigest)}, by Bouncy Castle's digest: under C1 alone (a peer's JIT) its
   * SHA-256 takes 2.0 against the JDK's 2.3 us for a 280-byte message (neither has C2's SHA
   * intrinsic; docs/benchmarks.md, session 18).
   */
  public byte[] digest(Digest d) {
    d.reset();
    d.update(out, 0, size);
    byte[] h = new byte[d.getDigestSize()];
    d.doFinal(h, 0);
    return h;
  }

  /** The digest of these bytes by {@code md} (reset first), without copying them. */
  public byte[] digest(MessageDigest md) {
    md.reset();
    md.update(out, 0, size);
    return md.digest();
  }
}
