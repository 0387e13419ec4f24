package meshchat.peer.identity;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.PeerId;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a private room's J-PAKE exchange (Hao and Ryan, "Password Authenticated Key Exchange
 * by Juggling", 2008; RFC 8236), with Bouncy Castle's {@link JPAKEParticipant} over the NIST 2048
 * bit prime-order group and SHA-256. The password is the room's K_pake, so a peer proves it holds
 * the room secret while whoever talks to it learns at most whether one guess was right: nothing it
 * receives can be tested against further guesses offline (unlike a MAC of a transcript).
 *
 * <p>Participant ids are the peer ids in lowercase hex, so a round's zero-knowledge proofs name the
 * TLS-authenticated peer that made them, and a relay cannot pass them between two other peers. Each
 * round's payload is a sequence of unsigned big-endian integers, each prefixed with its 4-byte
 * big-endian length: round 1 g^x1, g^x2, ZKP(x1) = (g^v, r), ZKP(x2) = (g^v, r); round 2 A,
 * ZKP(x2·s) = (g^v, r); round 3 the MacTag.
 */
public final class PakeSession {
  private static final Logger log = LoggerFactory.getLogger(PakeSession.class);

  /**
   * Why a round of theirs is refused, as the Close tells them: fixed texts, never Bouncy Castle's
   * exception text (which names our library and its checks); the detail is logged at debug.
   */
  public static final String BAD_ROUND_1 = "bad J-PAKE round 1";

  public static final String BAD_ROUND_2 = "bad J-PAKE round 2";
  public static final String MALFORMED_ROUND_1 = "malformed J-PAKE round 1";
  public static final String MALFORMED_ROUND_2 = "malformed J-PAKE round 2";

  private final JPAKEParticipant participant;
  private String other; // the other side's participant id, once its round 1 is accepted
  private BigInteger keyingMaterial;

  public PakeSession(RoomKey key, PeerId self) {
    this.participant =
        new JPAKEParticipant(self.hex(), key.pakePassword(), JPAKEPrimeOrderGroups.NIST_2048);
  }

  /** With chosen randomness: docs/protocol.md's test vector fixes the exponents. */
  PakeSession(RoomKey key, PeerId self, SecureRandom random) {
    this.participant =
        new JPAKEParticipant(
            self.hex(),
            key.pakePassword(),
            JPAKEPrimeOrderGroups.NIST_2048,
            SHA256Digest.newInstance(),
            random);
  }

  public byte[] round1() {
    JPAKERound1Payload p = participant.createRound1PayloadToSend();
    return encode(
        p.getGx1(),
        p.getGx2(),
        p.getKnowledgeProofForX1()[0],
        p.getKnowledgeProofForX1()[1],
        p.getKnowledgeProofForX2()[0],
        p.getKnowledgeProofForX2()[1]);
  }

  /** Null if {@code from}'s round 1 checks out, else why not. */
  public String acceptRound1(PeerId from, byte[] payload) {
    List<BigInteger> v = decode(payload, 6);
    if (v == null) {
      return MALFORMED_ROUND_1;
    }
    other = from.hex();
    try {
      participant.validateRound1PayloadReceived(
          new JPAKERound1Payload(
              other,
              v.get(0),
              v.get(1),
              new BigInteger[] {v.get(2), v.get(3)},
              new BigInteger[] {v.get(4), v.get(5)}));
      return null;
    } catch (CryptoException | RuntimeException e) {
      log.debug("J-PAKE round 1 from {} refused: {}", other, e.toString());
      return BAD_ROUND_1;
    }
  }

  public byte[] round2() {
    JPAKERound2Payload p = participant.createRound2PayloadToSend();
    return encode(p.getA(), p.getKnowledgeProofForX2s()[0], p.getKnowledgeProofForX2s()[1]);
  }

  /** Null if the other side's round 2 checks out (the shared key is then computed). */
  public String acceptRound2(byte[] payload) {
    List<BigInteger> v = decode(payload, 3);
    if (v == null) {
      return MALFORMED_ROUND_2;
    }
    try {
      participant.validateRound2PayloadReceived(
          new JPAKERound2Payload(other, v.get(0), new BigInteger[] {v.get(1), v.get(2)}));
      keyingMaterial = participant.calculateKeyingMaterial();
      return null;
    } catch (CryptoException | RuntimeException e) {
      log.debug("J-PAKE round 2 from {} refused: {}", other, e.toString());
      return BAD_ROUND_2;
    }
  }

  public byte[] round3() {
    return encode(participant.createRound3PayloadToSend(keyingMaterial).getMacTag());
  }

  /** True if the other side's key confirmation proves it used the same password. */
  public boolean acceptRound3(byte[] payload) {
    List<BigInteger> v = decode(payload, 1);
    if (v == null) {
      return false;
    }
    try {
      participant.validateRound3PayloadReceived(
          new JPAKERound3Payload(other, v.get(0)), keyingMaterial);
      return true;
    } catch (CryptoException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] encode(BigInteger... values) {
    List<byte[]> parts = new ArrayList<>();
    int size = 0;
    for (BigInteger b : values) {
      byte[] m = b.toByteArray();
      parts.add(m);
      size += 4 + m.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (byte[] m : parts) {
      out.putInt(m.length).put(m);
    }
    return out.array();
  }

  /** Exactly {@code count} length-prefixed two's-complement integers, or null. */
  private static List<BigInteger> decode(byte[] payload, int count) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    List<BigInteger> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 4) {
        return null;
      }
      int n = in.getInt();
      if (n < 1 || n > in.remaining() || n > 512) {
        return null;
      }
      byte[] m = new byte[n];
      in.get(m);
      out.add(new BigInteger(m));
    }
    return in.hasRemaining() ? null : out;
  }
}
