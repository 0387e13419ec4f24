package meshchat.tracker.client;

import java.util.function.UnaryOperator;
import meshchat.wire.CanonicalBytes;

/**
 * What a client needs to prove, in its Register, that it owns the peer id it registers: the raw
 * Ed25519 public key whose fingerprint is the id, and a way to sign with the private key (which
 * never leaves the caller).
 *
 * @param sign returns the Ed25519 signature of its argument
 */
public record RegistrationKey(byte[] publicKey, UnaryOperator<byte[]> sign) {
  public RegistrationKey {
    publicKey = publicKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The bytes a Register's signature covers (docs/protocol.md, "Register"): the context {@code
   * meshchat/register/v2}, the session's nonce and the host the tracker sees it from (both from the
   * tracker's Nonce answer: they bind the registration to this session and its address), room, peer
   * id, nick, host, port and timestamp, in the canonical layout.
   */
  public static byte[] transcript(
      byte[] nonce,
      String observedHost,
      String room,
      byte[] peerId,
      String nick,
      String host,
      int port,
      long timestampMs) {
    return CanonicalBytes.of("meshchat/register/v2")
        .bytes(nonce)
        .string(observedHost)
        .string(room)
        .bytes(peerId)
        .string(nick)
        .string(host)
        .u64(Integer.toUnsignedLong(port))
        .u64(timestampMs)
        .toByteArray();
  }
}
