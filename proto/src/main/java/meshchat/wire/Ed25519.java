package meshchat.wire;

import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * Ed25519 (RFC 8032) public keys as they travel: the raw 32-byte key, its fingerprint (the peer
 * id), and signature checks. Shared by peers and the tracker, so both derive ids the same way. The
 * arithmetic is Bouncy Castle's (RFC 8032, no provider set-up); the JDK's SunEC reads and writes
 * key encodings.
 */
public final class Ed25519 {
  public static final int PUBLIC_KEY_BYTES = 32;
  public static final int SIGNATURE_BYTES = 64;

  /** A peer id is the first 16 bytes of SHA-256 of the raw public key (docs/security.md). */
  public static final int FINGERPRINT_BYTES = 16;

  /**
   * The X.509 SubjectPublicKeyInfo prefix of every Ed25519 key (RFC 8410 §4): SEQUENCE, the
   * algorithm id 1.3.101.112, and a BIT STRING of 33 bytes (0 unused bits, then the raw key).
   */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  /** PKCS#8 v1 of an Ed25519 private key (RFC 8410 §7): the prefix before its 32 bytes. */
  private static final byte[] PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private Ed25519() {}

  /**
   * The 16-byte fingerprint of a raw public key. Bouncy Castle's SHA-256 rather than the JDK's: the
   * JDK's first {@code MessageDigest} sets up its security providers, tens of milliseconds on a
   * start's way to its own peer id; the signatures' SHA-512 already comes from Bouncy Castle.
   */
  public static byte[] fingerprint(byte[] rawPublicKey) {
    SHA256Digest sha = new SHA256Digest();
    sha.update(rawPublicKey, 0, rawPublicKey.length);
    byte[] h = new byte[sha.getDigestSize()];
    sha.doFinal(h, 0);
    return Arrays.copyOf(h, FINGERPRINT_BYTES);
  }

  /** True if {@code peerId} is the fingerprint of {@code rawPublicKey}. */
  public static boolean owns(byte[] rawPublicKey, byte[] peerId) {
    return rawPublicKey.length == PUBLIC_KEY_BYTES
        && MessageDigest.isEqual(fingerprint(rawPublicKey), peerId);
  }

  /**
   * The raw 32 bytes of an X.509 (SubjectPublicKeyInfo) Ed25519 public key, or null if {@code
   * encoded} is not exactly that layout.
   */
  public static byte[] rawOrNull(byte[] encoded) {
    return afterPrefix(encoded, X509_PREFIX);
  }

  /**
   * The 32-byte private key (RFC 8032 seed) of a PKCS#8 v1 Ed25519 key as the JDK writes it (48
   * bytes), or null for any other layout (which the JDK's key factory may still read).
   */
  public static byte[] seedOfPkcs8(byte[] encoded) {
    return afterPrefix(encoded, PKCS8_PREFIX);
  }

  /** {@code seed} (32 bytes) as PKCS#8 v1, byte for byte what the JDK writes. */
  public static byte[] pkcs8(byte[] seed) {
    byte[] out = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + seed.length);
    System.arraycopy(seed, 0, out, PKCS8_PREFIX.length, seed.length);
    return out;
  }

  /** The 32 bytes after {@code prefix} if {@code encoded} is exactly the two; else null. */
  private static byte[] afterPrefix(byte[] encoded, byte[] prefix) {
    if (encoded.length != prefix.length + 32
        || !Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
      return null;
    }
    return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
  }

  /** The raw 32 bytes of a JDK Ed25519 public key. */
  public static byte[] raw(PublicKey key) {
    byte[] raw = rawOrNull(key.getEncoded());
    if (raw == null) {
      throw new IllegalArgumentException("not an Ed25519 public key");
    }
    return raw;
  }

  /** A JDK public key from its raw 32 bytes; IllegalArgumentException if it is not one. */
  public static PublicKey publicKey(byte[] raw) {
    if (raw.length != PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    byte[] enc = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + PUBLIC_KEY_BYTES);
    System.arraycopy(raw, 0, enc, X509_PREFIX.length, PUBLIC_KEY_BYTES);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(enc));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks Ed25519", e);
    }
  }

  /**
   * True if {@code signature} is a valid Ed25519 signature of {@code data} by the raw key. Never
   * throws on hostile input: a malformed key or signature is simply not valid.
   */
  public static boolean verify(byte[] rawPublicKey, byte[] data, byte[] signature) {
    return verify(rawPublicKey, data, 0, data.length, signature);
  }

  /**
   * As {@link #verify(byte[], byte[], byte[])} over the {@code length} bytes of {@code data} from
   * {@code from}.
   */
  public static boolean verify(
      byte[] rawPublicKey, byte[] data, int from, int length, byte[] signature) {
    if (rawPublicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      // Bouncy Castle's RFC 8032 code, not the JDK's: the same verdicts (RFC 8032 §5.1.7), but
      // about 8x faster than JDK 17's SunEC, and every received message is verified.
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature, 0, rawPublicKey, 0, data, from, length);
    } catch (RuntimeException e) {
      return false; // a key that is not a curve point
    }
  }

  /**
   * {@link #verify(byte[], byte[], int, int, byte[])} with each key's checks and tables kept, for
   * one thread (not thread-safe: one per thread). Every receiver checks a head per burst from a
   * handful of origins; Bouncy Castle's raw-key verification decodes the key, rebuilds its table of
   * odd multiples and allocates ~6.5 KB every time. This one runs a trimmed copy of the same code
   * ({@link Ed25519Points}, {@link Ed25519Scalars}: Bouncy Castle 1.87's verification, MIT) with a
   * key's checks and tables (of 2^(32 j) A, ~8.5 KB) built once ({@link Ed25519Points#key}, ~80 µs)
   * and kept in a two-way table of {@link #SLOTS} entries (a key evicts only the less recently used
   * of the two in its set, chosen by the key's first bytes mixed with a salt per instance, so no
   * input can grow the table or aim at another key's set: a stranger's keys cost a build each), and
   * its temporaries kept in this instance: a check allocates nothing and costs ~43 µs where Bouncy
   * Castle's costs ~72 (docs/benchmarks.md, session 19, lat19).
   *
   * <p>Same verdict as Bouncy Castle's raw-key check for every 32-byte key, 64-byte signature and
   * text: the key's checks ({@code checkPointFullVar}, {@code decodePointVar(A, negate = true)})
   * are the ones the raw path makes, made once; a key they refuse is refused whatever the
   * signature, and a key with a small-order component is used as it is, as the raw path does; R's
   * and S's checks and the challenge are Bouncy Castle's, and so is the cofactored equation, which
   * {@link Ed25519Points#verify} evaluates with its tables. Pinned by {@code Ed25519VerifierTest}
   * (random and edge vectors against Bouncy Castle) and {@code PublicPointCacheTest}.
   */
  public static final class Verifier {
    /**
     * Keys held per thread at most (two per set); ~8.5 KB each once filled (a key and its tables):
     * ~4.4 MB if a stranger fills them all.
     */
    public static final int SLOTS = 512;

    private static final int SETS = SLOTS / 2;
    private final byte[][] keys = new byte[SLOTS][];
    // the key's checks and tables, or INVALID for a key the raw path refuses whatever the signature
    private final Ed25519Points.Key[] points = new Ed25519Points.Key[SLOTS];
    private static final Ed25519Points.Key INVALID = null;
    // per set, the way used last (0 or 1): the other is evicted
    private final byte[] lastUsed = new byte[SETS];
    private final int salt;
    private final Ed25519Points.Scratch scratch = new Ed25519Points.Scratch();
    private long decodes;

    public Verifier() {
      this(java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    /** With a given salt: tests that place keys in sets. */
    Verifier(int salt) {
      this.salt = salt;
    }

    /**
     * As {@link Ed25519#verify(byte[], byte[], int, int, byte[])}; never throws on hostile input.
     */
    public boolean verify(
        byte[] rawPublicKey, byte[] data, int from, int length, byte[] signature) {
      if (rawPublicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
        return false;
      }
      Ed25519Points.Key key = key(rawPublicKey);
      if (key == INVALID) {
        return false;
      }
      try {
        return Ed25519Points.verify(signature, 0, key, data, from, length, scratch);
      } catch (RuntimeException e) {
        return false; // as the raw path's (a text range outside data)
      }
    }

    /** How many keys this verifier has decoded (misses), for tests and benchmarks. */
    public long decodes() {
      return decodes;
    }

    private Ed25519Points.Key key(byte[] key) {
      int set = set(key, salt);
      int first = 2 * set;
      for (int way = 0; way < 2; way++) {
        byte[] k = keys[first + way];
        if (k != null && Arrays.equals(k, key)) {
          lastUsed[set] = (byte) way;
          return points[first + way];
        }
      }
      decodes++;
      Ed25519Points.Key point = Ed25519Points.key(key, scratch);
      int way = 1 - lastUsed[set];
      keys[first + way] = key.clone(); // the caller's array may be reused
      points[first + way] = point;
      lastUsed[set] = (byte) way;
      return point;
    }

    /** A key's set: its first four bytes, salted, then mixed (Fibonacci hashing). */
    static int set(byte[] key, int salt) {
      int b = (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | key[3] << 24;
      return ((b ^ salt) * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(SETS));
    }
  }

  /** The Ed25519 signature of {@code data} by the 32-byte private key {@code seed} (RFC 8032). */
  public static byte[] sign(byte[] seed, byte[] data) {
    byte[] sig = new byte[SIGNATURE_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, data, 0, data.length, sig, 0);
    return sig;
  }

  /**
   * As {@link #sign(byte[], byte[])}, with the signer's raw public key already known: RFC 8032
   * §5.1.6 needs it, and deriving it from the seed again is a second scalar multiplication, half of
   * a signature's cost. {@code publicKey} must be {@link #publicKeyOf}({@code seed}): signing with
   * any other key makes invalid signatures, and two signatures of one text under two keys give the
   * private key away, so callers check the pair once ({@code Identity}).
   */
  public static byte[] sign(byte[] seed, byte[] publicKey, byte[] data) {
    byte[] sig = new byte[SIGNATURE_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
        seed, 0, publicKey, 0, data, 0, data.length, sig, 0);
    return sig;
  }

  /**
   * Builds the base-point tables every key derivation and signature uses (tens of milliseconds
   * cold), once per process; a start calls it on a thread of its own before it needs the first.
   */
  public static void precompute() {
    org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
  }

  /** The raw public key (32 bytes) of the 32-byte private key {@code seed} (RFC 8032 §5.1.5). */
  public static byte[] publicKeyOf(byte[] seed) {
    byte[] pk = new byte[PUBLIC_KEY_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
    return pk;
  }
}
