package meshchat.tracker.pipeline;

import java.time.Clock;
import java.time.Duration;
import meshchat.proto.v1.Register;
import meshchat.tracker.client.RegistrationKey;
import meshchat.wire.Ed25519;

/**
 * A session may register only the peer id whose key it proves (docs/security.md): the id must be
 * the key's fingerprint, and the signature must cover this very registration, this session's nonce
 * and the address the tracker sees the session from (so a Register captured on the wire is
 * worthless on any other session, from any other address), stamped within {@link #WINDOW} of the
 * tracker's clock.
 */
final class KeyProof {
  static final Duration WINDOW = Duration.ofMinutes(5);

  /** The problem of a well-formed Register whose signature fails: the one costly refusal. */
  static final String BAD_SIGNATURE =
      "bad registration signature (not made for this session, address or registration)";

  private final boolean required;
  private final Clock clock;

  KeyProof(boolean required, Clock clock) {
    this.required = required;
    this.clock = clock;
  }

  /**
   * Why {@code r} must be refused (UNAUTHENTICATED), or null.
   *
   * @param nonce this session's nonce; null if the session never asked for one
   * @param observedHost the session's source address as this tracker sees it
   */
  String problem(Register r, byte[] nonce, String observedHost) {
    if (r.getPublicKey().isEmpty() && r.getSignature().isEmpty()) {
      return required ? "a registration must prove its key (public_key, signature)" : null;
    }
    byte[] key = r.getPublicKey().toByteArray();
    if (!Ed25519.owns(key, r.getPeerId().toByteArray())) {
      return "the peer id is not the fingerprint of the registration's key";
    }
    if (nonce == null) {
      return "a registration must sign this session's nonce: send GetNonce first";
    }
    long now = clock.millis();
    long ts = r.getTimestampMs();
    // compared without subtracting ts: a hostile timestamp near Long.MIN_VALUE must not overflow
    if (ts < now - WINDOW.toMillis() || ts > now + WINDOW.toMillis()) {
      return "the registration's timestamp is more than "
          + WINDOW.toSeconds()
          + " s from the tracker's clock";
    }
    byte[] signed =
        RegistrationKey.transcript(
            nonce,
            observedHost,
            r.getRoom(),
            r.getPeerId().toByteArray(),
            r.getNick(),
            r.getHost(),
            r.getPort(),
            r.getTimestampMs());
    if (!Ed25519.verify(key, signed, r.getSignature().toByteArray())) {
      return BAD_SIGNATURE;
    }
    return null;
  }
}
