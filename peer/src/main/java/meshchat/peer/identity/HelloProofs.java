package meshchat.peer.identity;

import java.security.SecureRandom;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;
import meshchat.wire.Ed25519;

/**
 * The handshake's proof of identity (docs/protocol.md, "Handshake"). Each side signs a transcript
 * that names the room, both peer ids and both challenges: the other side's challenge makes the
 * proof fresh (no replay of an old handshake), and the ids make it useless on any other link (a
 * relay cannot pass Bob's proof for a link Bob did not make with Alice).
 */
public final class HelloProofs {
  public static final int CHALLENGE_BYTES = 32;
  static final String CONTEXT = "meshchat/hello/v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private HelloProofs() {}

  public static byte[] newChallenge() {
    byte[] c = new byte[CHALLENGE_BYTES];
    RANDOM.nextBytes(c);
    return c;
  }

  /**
   * context, room, signer id, verifier id, the verifier's challenge, the signer's challenge.
   *
   * @param room the room as on the wire (a private room's id)
   */
  public static byte[] transcript(
      String room,
      PeerId signer,
      PeerId verifier,
      byte[] verifierChallenge,
      byte[] signerChallenge) {
    return CanonicalBytes.of(CONTEXT)
        .string(room)
        .bytes(signer.toBytes())
        .bytes(verifier.toBytes())
        .bytes(verifierChallenge)
        .bytes(signerChallenge)
        .toByteArray();
  }

  /** True if {@code key} belongs to {@code id} and {@code signature} signs {@code transcript}. */
  public static boolean verify(byte[] key, PeerId id, byte[] transcript, byte[] signature) {
    return Ed25519.owns(key, id.toBytes()) && Ed25519.verify(key, transcript, signature);
  }
}
