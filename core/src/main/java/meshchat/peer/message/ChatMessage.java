package meshchat.peer.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import meshchat.peer.limit.WireBounds;

/**
 * One chat message as authored: immutable, relayed unchanged.
 *
 * @param lamport the author's Lamport time at send
 * @param wallTimeMs the author's wall clock; shown to people, never used for order
 * @param deps what the author had delivered and no other dependency implies (causal order)
 * @param publicKey the author's raw Ed25519 public key (its fingerprint is the origin); empty on an
 *     unsigned message (history from before keys, or the simulation)
 * @param signature the author's Ed25519 signature over the canonical encoding (docs/protocol.md,
 *     "Canonical encoding"); empty when unsigned
 */
public record ChatMessage(
    MessageId id,
    long lamport,
    long wallTimeMs,
    String nick,
    String text,
    List<MessageId> deps,
    byte[] publicKey,
    byte[] signature) {
  private static final byte[] NONE = new byte[0];

  public ChatMessage {
    if (id == null || nick == null || text == null) {
      throw new IllegalArgumentException("id, nick and text are required");
    }
    WireBounds.within("lamport", lamport, 1, WireBounds.MAX_LAMPORT);
    WireBounds.within("wall time", wallTimeMs, 0, WireBounds.MAX_WALL_TIME_MS);
    deps = List.copyOf(deps);
    publicKey = publicKey == null || publicKey.length == 0 ? NONE : publicKey.clone();
    signature = signature == null || signature.length == 0 ? NONE : signature.clone();
  }

  /** An unsigned message, as the author has it before {@link MessageSigner#sign}. */
  public ChatMessage(
      MessageId id, long lamport, long wallTimeMs, String nick, String text, List<MessageId> deps) {
    this(id, lamport, wallTimeMs, nick, text, deps, NONE, NONE);
  }

  /** This message with the author's key and signature attached. */
  public ChatMessage signed(byte[] publicKey, byte[] signature) {
    return new ChatMessage(id, lamport, wallTimeMs, nick, text, deps, publicKey, signature);
  }

  public boolean isSigned() {
    return signature.length > 0;
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public PeerId origin() {
    return id.origin();
  }

  public long seq() {
    return id.seq();
  }

  /** The key of the canonical total order: (lamport, origin). */
  public LamportTimestamp timestamp() {
    return new LamportTimestamp(lamport, id.origin());
  }

  // A record compares arrays by reference; two copies of one message must be equal (dedupe, forks).
  @Override
  public boolean equals(Object o) {
    return o instanceof ChatMessage m
        && lamport == m.lamport
        && wallTimeMs == m.wallTimeMs
        && id.equals(m.id)
        && nick.equals(m.nick)
        && text.equals(m.text)
        && deps.equals(m.deps)
        && Arrays.equals(publicKey, m.publicKey)
        && Arrays.equals(signature, m.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, lamport, wallTimeMs, nick, text, deps) * 31
        + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "ChatMessage[id=%s, lamport=%d, wallTimeMs=%d, nick=%s, text=%s, deps=%s, signed=%s]"
        .formatted(id, lamport, wallTimeMs, nick, text, deps, isSigned());
  }
}
