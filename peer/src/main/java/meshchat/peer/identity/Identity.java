package meshchat.peer.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import meshchat.peer.message.PeerId;
import meshchat.wire.Ed25519;

/**
 * A peer's key pair and the id it implies: the peer id is the fingerprint of the public key ({@link
 * Ed25519#fingerprint}), so whoever proves the key owns the id and nobody else can claim it.
 */
public final class Identity {
  private final byte[] seed; // the raw 32-byte private key (RFC 8032 §5.1.5), for fast signing
  private final byte[] publicKey;
  private final PeerId peerId;

  Identity(KeyPair pair) {
    this(
        ((EdECPrivateKey) pair.getPrivate())
            .getBytes()
            .orElseThrow(() -> new IllegalArgumentException("an Ed25519 key without its bytes")),
        Ed25519.raw(pair.getPublic()));
  }

  /** The key pair of the 32-byte private key {@code seed}: its public key derived once. */
  private Identity(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 key is 32 bytes: " + seed.length);
    }
    this.seed = seed.clone();
    this.publicKey = Ed25519.publicKeyOf(this.seed);
    this.peerId = PeerId.of(Ed25519.fingerprint(this.publicKey));
  }

  /**
   * From the raw keys: a 32-byte seed and the 32-byte public key that must be the seed's own.
   *
   * @throws IllegalArgumentException if either has the wrong length, or the public key belongs to
   *     another private key
   */
  Identity(byte[] seed, byte[] publicKey) {
    this(seed);
    // signing reuses the public key (Ed25519.sign), which is only safe with the seed's own
    if (!Arrays.equals(this.publicKey, publicKey)) {
      throw new IllegalArgumentException("the public key does not belong to the private key");
    }
  }

  /** The private key in PKCS#8 v1, as the JDK encodes an Ed25519 key: for the key file. */
  byte[] pkcs8() {
    return Ed25519.pkcs8(seed);
  }

  /**
   * A fresh key pair (for tests, benchmarks and first start): 32 bytes from the system's strong
   * random source are an Ed25519 private key (RFC 8032 §5.1.5), whose public key is derived here;
   * the JDK's key pair generator would do the same after setting up its EC provider, tens of
   * milliseconds of a first start.
   */
  public static Identity generate() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return new Identity(seed);
  }

  /**
   * The key pair whose RFC 8032 private key is {@code seed} (32 bytes): for published test vectors
   * (docs/protocol.md), never for a real peer.
   */
  public static Identity fromSeed(byte[] seed) {
    return new Identity(seed);
  }

  /**
   * A key pair drawn from {@code random}: the same seed gives the same identity. For seeded
   * simulations and tests only; a real peer's key comes from {@link #generate()}.
   */
  public static Identity seeded(RandomGenerator random) {
    try {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      SecureRandom deterministic = SecureRandom.getInstance("SHA1PRNG");
      deterministic.setSeed(seed); // before any output: the stream then depends on the seed only
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, deterministic);
      return new Identity(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks Ed25519", e);
    }
  }

  public PeerId peerId() {
    return peerId;
  }

  /** The raw 32-byte public key, as it travels in Hello, Register and every message. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** An Ed25519 signature (64 bytes) of {@code data}. */
  public byte[] sign(byte[] data) {
    return Ed25519.sign(seed, publicKey, data);
  }

  @Override
  public String toString() {
    return "Identity[" + peerId.shortHex() + "]"; // never the key
  }
}
