package meshchat.peer.identity;

import java.security.SecureRandom;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;
import meshchat.wire.Ed25519;

/**
 * The handshake's proof of identity (docs/protocol.md, "Connection state machine"). Each side signs
 * a transcript that names the room, both peer ids, both challenges and both TLS certificates: the
 * other side's challenge makes the proof fresh (no replay of an old handshake), the ids make it
 * useless on any other link, and the certificates bind it to this TLS connection (a relay that
 * terminates TLS itself presents its own certificate, so a proof passed through it never verifies).
 */
public final class HelloProofs {
  public static final int CHALLENGE_BYTES = 32;
  static final String CONTEXT = "meshchat/hello/v2";
  private static final SecureRandom RANDOM = new SecureRandom();

  private HelloProofs() {}

  public static byte[] newChallenge() {
    byte[] c = new byte[CHALLENGE_BYTES];
    RANDOM.nextBytes(c);
    return c;
  }

  /**
   * context, room, signer id, verifier id, the verifier's challenge, the signer's challenge, the
   * SHA-256 of the signer's TLS certificate, the SHA-256 of the verifier's.
   *
   * @param room the room as on the wire (a private room's id)
   */
  public static byte[] transcript(
      String room,
      PeerId signer,
      PeerId verifier,
      byte[] verifierChallenge,
      byte[] signerChallenge,
      byte[] signerCertHash,
      byte[] verifierCertHash) {
    return CanonicalBytes.of(CONTEXT)
        .string(room)
        .bytes(signer.toBytes())
        .bytes(verifier.toBytes())
        .bytes(verifierChallenge)
        .bytes(signerChallenge)
        .bytes(signerCertHash)
        .bytes(verifierCertHash)
        .toByteArray();
  }

  /** The transcript of a link without TLS (test harnesses only): both certificate hashes empty. */
  public static byte[] transcript(
      String room,
      PeerId signer,
      PeerId verifier,
      byte[] verifierChallenge,
      byte[] signerChallenge) {
    return transcript(
        room, signer, verifier, verifierChallenge, signerChallenge, new byte[0], new byte[0]);
  }

  /** True if {@code key} belongs to {@code id} and {@code signature} signs {@code transcript}. */
  public static boolean verify(byte[] key, PeerId id, byte[] transcript, byte[] signature) {
    return Ed25519.owns(key, id.toBytes()) && Ed25519.verify(key, transcript, signature);
  }
}
