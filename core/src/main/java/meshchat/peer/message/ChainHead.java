package meshchat.peer.message;

import java.util.Arrays;
import meshchat.peer.limit.WireBounds;

/**
 * An author's signed statement "my message {@code seq} has chain hash {@code hash}". Each message's
 * hash covers the hash of the author's previous message ({@link ChatMessage#prev}), so one head
 * authenticates the message at {@code seq} and every earlier one a receiver holds unbroken below
 * it: one signature per burst instead of one per message (docs/protocol.md, "Hash chain"; the idea
 * of Secure Scuttlebutt's feeds and of Hypercore's signed roots).
 *
 * @param publicKey the origin's raw Ed25519 key (its fingerprint is the origin); the wire carries
 *     it only on a link's first head of that origin
 */
public record ChainHead(PeerId origin, long seq, byte[] hash, byte[] signature, byte[] publicKey) {
  private static final byte[] NO_KEY = new byte[0];

  public ChainHead {
    if (origin == null || hash == null || signature == null || publicKey == null) {
      throw new IllegalArgumentException("origin, hash, signature and key are required");
    }
    WireBounds.within("head seq", seq, 1, WireBounds.MAX_SEQ);
    if (hash.length != ChatMessage.HASH_BYTES) {
      throw new IllegalArgumentException("a chain hash is 32 bytes: " + hash.length);
    }
    hash = hash.clone();
    signature = signature.clone();
    // a store keeps every head with its key: one array per origin, not one per head
    publicKey = publicKey.length == 0 ? NO_KEY : SharedValues.key(publicKey);
  }

  public MessageId id() {
    return new MessageId(origin, seq);
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Whether this head names {@code h} as the hash of its message. */
  public boolean names(byte[] h) {
    return Arrays.equals(hash, h);
  }

  /**
   * The origin, seq, hash and signature, the arrays by content (a record compares them by
   * reference); not the key, which the wire carries only on a link's first head of an origin.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ChainHead h
        && seq == h.seq
        && origin.equals(h.origin)
        && Arrays.equals(hash, h.hash)
        && Arrays.equals(signature, h.signature);
  }

  @Override
  public int hashCode() {
    return 31 * origin.hashCode() + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "ChainHead[" + origin.shortHex() + "#" + seq + "]";
  }
}
