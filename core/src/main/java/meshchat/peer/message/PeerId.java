package meshchat.peer.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A peer's identity: an opaque byte string of 1..64 bytes. meshchat peers use the 16-byte
 * fingerprint of their Ed25519 public key ({@code meshchat.peer.identity}, docs/security.md).
 * Nothing outside the identity package may depend on its length or content.
 *
 * <p>Peer ids order by unsigned lexicographic comparison of their bytes; the Lamport total order
 * uses that order to break ties (docs/ordering.md).
 */
public final class PeerId implements Comparable<PeerId> {
  public static final int MAX_BYTES = 64;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private final int hash;

  private PeerId(byte[] bytes) {
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("peer id must be 1.." + MAX_BYTES + " bytes");
    }
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static PeerId of(byte[] bytes) {
    return new PeerId(bytes.clone());
  }

  public static PeerId random(RandomGenerator random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return new PeerId(b);
  }

  /** Parses the lowercase or uppercase hex form; throws IllegalArgumentException if malformed. */
  public static PeerId fromHex(String hex) {
    return new PeerId(HEX.parseHex(hex));
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** The first 8 hex digits: enough to tell peers apart on a screen. */
  public String shortHex() {
    String h = hex();
    return h.length() <= 8 ? h : h.substring(0, 8);
  }

  @Override
  public int compareTo(PeerId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    // the same instance is the common case (ids are shared by the maps that hold them)
    return o == this || (o instanceof PeerId p && hash == p.hash && Arrays.equals(bytes, p.bytes));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return hex();
  }
}
