package meshchat.peer.message;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import meshchat.peer.sync.KeyedHash;

/**
 * A peer's identity: an opaque byte string of 1..64 bytes. meshchat peers use the 16-byte
 * fingerprint of their Ed25519 public key ({@code meshchat.peer.identity}, docs/security.md).
 * Nothing outside the identity package may depend on its length or content.
 *
 * <p>Peer ids order by unsigned lexicographic comparison of their bytes; the Lamport total order
 * uses that order to break ties (docs/ordering.md).
 */
public final class PeerId implements Comparable<PeerId>, KeyedHash {
  public static final int MAX_BYTES = 64;
  private static final HexFormat HEX = HexFormat.of();

  // The ids made lately, by content: decoding hands out the one instance an id already has, so a
  // message and its dependencies do not each allocate and hash a new id, and the maps, trees and
  // rings that compare ids mostly meet the same instance (equals and compareTo check it first).
  // A slot is overwritten by the next id that hashes to it; a racy read is safe (final fields) and
  // at worst misses, which only costs the allocation this saves.
  private static final int RECENT_SLOTS = 1024;
  private static final PeerId[] RECENT = new PeerId[RECENT_SLOTS];

  // A secret per process for keyedHash: the ids a peer names (a message's dependencies) are any
  // bytes a sender likes, and a table that places them by a hash anyone can compute can be filled
  // with ids that all land in one place. Drawn once; it decides nothing (no order depends on it).
  private static final long KEY = new SecureRandom().nextLong();

  private final byte[] bytes;
  private final int hash;
  private final long prefix; // the first 8 bytes, big-endian, zero-padded: most compares end here
  private final long keyed;

  private PeerId(byte[] bytes) {
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("peer id must be 1.." + MAX_BYTES + " bytes");
    }
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = p << 8 | (i < bytes.length ? bytes[i] & 0xFF : 0);
    }
    this.prefix = p;
    long k = KEY;
    for (byte b : bytes) {
      k = (k ^ (b & 0xFF)) * 0x100000001B3L; // FNV-1a over every byte, from the secret
    }
    this.keyed = fmix64(k ^ KEY);
  }

  /**
   * A 64-bit hash of every byte under a secret drawn per process: for tables that place ids a
   * stranger chooses. {@link #hashCode} (the bytes' polynomial hash) is easy to collide on purpose,
   * and a table that probes by it can be made to walk one long cluster on every lookup.
   */
  @Override
  public long keyedHash() {
    return keyed;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit moves every output bit. */
  public static long fmix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  public static PeerId of(byte[] bytes) {
    return of(bytes, 0, bytes.length);
  }

  /** The id whose bytes are {@code src[from, from + length)}; {@code src} is not kept. */
  public static PeerId of(byte[] src, int from, int length) {
    if (length == 0 || length > MAX_BYTES) {
      throw new IllegalArgumentException("peer id must be 1.." + MAX_BYTES + " bytes");
    }
    int h = 1;
    for (int i = from, end = from + length; i < end; i++) {
      h = 31 * h + src[i]; // Arrays.hashCode, so the slot's id compares by it first
    }
    int slot = (h * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(RECENT_SLOTS));
    PeerId seen = RECENT[slot];
    if (seen != null
        && seen.hash == h
        && Arrays.equals(seen.bytes, 0, seen.bytes.length, src, from, from + length)) {
      return seen;
    }
    PeerId id = new PeerId(Arrays.copyOfRange(src, from, from + length));
    RECENT[slot] = id;
    return id;
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
    return Arrays.copyOf(bytes, bytes.length); // not clone(): a call into the VM on C1
  }

  /** Number of bytes of the id. */
  public int length() {
    return bytes.length;
  }

  /**
   * Copies the id's bytes into {@code dst} at {@code at}, without the copy {@link #toBytes} makes.
   */
  public void copyTo(byte[] dst, int at) {
    System.arraycopy(bytes, 0, dst, at, bytes.length);
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** The first 8 hex digits: enough to tell peers apart on a screen. */
  public String shortHex() {
    String h = hex();
    return h.length() <= 8 ? h : h.substring(0, 8);
  }

  /**
   * The id's first 8 bytes, big-endian, zero-padded: {@link #compareTo} orders two ids as {@code
   * Long.compareUnsigned} orders these, unless they are equal. A table that keeps it beside its
   * entries compares ids without reading them (docs/benchmarks.md, session 30).
   */
  public long orderPrefix() {
    return prefix;
  }

  @Override
  public int compareTo(PeerId o) {
    if (o == this) {
      return 0;
    }
    // a zero-padded prefix orders as the bytes do: padding sits where the shorter id has ended,
    // and an id that ends first sorts first
    int c = Long.compareUnsigned(prefix, o.prefix);
    return c != 0 ? c : Arrays.compareUnsigned(bytes, o.bytes);
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
