package meshchat.peer.identity;

import static meshchat.fixture.docs.HexDump.delimited;
import static meshchat.fixture.docs.HexDump.dump;
import static meshchat.fixture.docs.HexDump.paragraphs;
import static meshchat.peer.identity.HandshakeVectorsTest.DOC;
import static meshchat.peer.identity.HandshakeVectorsTest.fromSeed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.LinkMessage.RoomPake;
import meshchat.peer.message.PeerId;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.junit.jupiter.api.Test;

/**
 * The source of truth of docs/protocol.md's private room handshake vector (the sibling of {@link
 * HandshakeVectorsTest}): alice and bob run {@link PakeSession} in room "ops" with secret "hunter2"
 * and chosen exponents; alice's three RoomPake frames and the hashes of bob's payloads must appear
 * in the document verbatim. Each payload is also recomputed here from the document's formulas alone
 * (plain BigInteger, SHA-256, HMAC), so the text is enough to build a compatible peer. On a change,
 * copy the blocks written to peer/target/pake-vectors.md into the document.
 */
class PakeVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger P = JPAKEPrimeOrderGroups.NIST_2048.getP();
  private static final BigInteger Q = JPAKEPrimeOrderGroups.NIST_2048.getQ();
  private static final BigInteger G = JPAKEPrimeOrderGroups.NIST_2048.getG();

  /** Alice's x1, x2, then the v of her ZKPs for x1, x2 and x2·s; bob's likewise. */
  private static final int[] ALICE = {0x11, 0x12, 0x21, 0x22, 0x23};

  private static final int[] BOB = {0x31, 0x32, 0x41, 0x42, 0x43};

  /**
   * Serves each 28-byte draw (an exponent or a ZKP's v in [0, q−1], q being 224 bits) from the
   * script, and 1-byte draws (Bouncy Castle's exponent blinding, which changes no result) as zero;
   * any other draw fails the test, so a change in how the library draws cannot go unnoticed.
   */
  static SecureRandom scripted(int... fills) {
    Deque<Integer> next = new ArrayDeque<>();
    for (int f : fills) {
      next.add(f);
    }
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        if (bytes.length == 1) {
          bytes[0] = 0;
        } else if (bytes.length == 28 && !next.isEmpty()) {
          Arrays.fill(bytes, next.removeFirst().byteValue());
        } else {
          throw new AssertionError("unexpected draw of " + bytes.length + " bytes");
        }
      }
    };
  }

  static BigInteger filled28(int b) {
    byte[] v = new byte[28];
    Arrays.fill(v, (byte) b);
    return new BigInteger(1, v);
  }

  static String expected() throws Exception {
    Identity alice = fromSeed(1);
    Identity bob = fromSeed(2);
    RoomKey ops = RoomKey.derive("ops", "hunter2".toCharArray());
    PakeSession a = new PakeSession(ops, alice.peerId(), scripted(ALICE));
    PakeSession b = new PakeSession(ops, bob.peerId(), scripted(BOB));
    byte[] a1 = a.round1();
    byte[] b1 = b.round1();
    assertThat(a.acceptRound1(bob.peerId(), b1)).isNull();
    assertThat(b.acceptRound1(alice.peerId(), a1)).isNull();
    byte[] a2 = a.round2();
    byte[] b2 = b.round2();
    assertThat(a.acceptRound2(b2)).isNull();
    assertThat(b.acceptRound2(a2)).isNull();
    byte[] a3 = a.round3();
    byte[] b3 = b.round3();
    assertThat(a.acceptRound3(b3)).isTrue();
    assertThat(b.acceptRound3(a3)).isTrue();

    // the same bytes from the document's formulas, with no J-PAKE library
    BigInteger s = new BigInteger(1, new String(ops.pakePassword()).getBytes(UTF8)).mod(Q);
    Side al = new Side(alice.peerId(), ALICE, s);
    Side bo = new Side(bob.peerId(), BOB, s);
    assertThat(a1).isEqualTo(al.round1());
    assertThat(b1).isEqualTo(bo.round1());
    assertThat(a2).isEqualTo(al.round2(bo));
    assertThat(b2).isEqualTo(bo.round2(al));
    assertThat(a3).isEqualTo(al.round3(bo));
    assertThat(b3).isEqualTo(bo.round3(al));

    return "```\np  "
        + lines(P)
        + "q  "
        + HEX.formatHex(unsigned(Q))
        + "\ng  "
        + lines(G)
        + "```\n\n"
        + frame("round 1", a1)
        + frame("round 2", a2)
        + frame("round 3", a3)
        + "```\nbob's round 1  "
        + sha256(b1)
        + "\nbob's round 2  "
        + sha256(b2)
        + "\nbob's round 3  "
        + sha256(b3)
        + "\n```\n";
  }

  private static final Charset UTF8 = StandardCharsets.UTF_8;

  /** One side of the exchange from the document's formulas. */
  private record Side(PeerId id, int[] script, BigInteger s) {
    BigInteger x1() {
      return filled28(script[0]);
    }

    BigInteger x2() {
      return filled28(script[1]);
    }

    BigInteger gx1() {
      return G.modPow(x1(), P);
    }

    BigInteger gx2() {
      return G.modPow(x2(), P);
    }

    BigInteger a(Side other) {
      BigInteger ga = gx1().multiply(other.gx1()).multiply(other.gx2()).mod(P);
      return ga.modPow(x2().multiply(s).mod(Q), P);
    }

    byte[] round1() throws Exception {
      BigInteger[] z1 = zkp(G, gx1(), x1(), filled28(script[2]));
      BigInteger[] z2 = zkp(G, gx2(), x2(), filled28(script[3]));
      return encode(gx1(), gx2(), z1[0], z1[1], z2[0], z2[1]);
    }

    byte[] round2(Side other) throws Exception {
      BigInteger ga = gx1().multiply(other.gx1()).multiply(other.gx2()).mod(P);
      BigInteger[] z = zkp(ga, a(other), x2().multiply(s).mod(Q), filled28(script[4]));
      return encode(a(other), z[0], z[1]);
    }

    byte[] round3(Side other) throws Exception {
      BigInteger negX2s = x2().multiply(s).negate().mod(Q);
      BigInteger k = other.gx2().modPow(negX2s, P).multiply(other.a(this)).modPow(x2(), P);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(unsigned(k));
      byte[] macKey = sha.digest("JPAKE_KC".getBytes(UTF8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      mac.update("KC_1_U".getBytes(UTF8));
      mac.update(id.hex().getBytes(UTF8));
      mac.update(other.id.hex().getBytes(UTF8));
      for (BigInteger v : List.of(gx1(), gx2(), other.gx1(), other.gx2())) {
        mac.update(unsigned(v));
      }
      return encode(new BigInteger(mac.doFinal()));
    }

    /** Schnorr: (g^v, r = v − x·h mod q), h = SHA-256 of the length-prefixed g, g^v, g^x, id. */
    BigInteger[] zkp(BigInteger gen, BigInteger gx, BigInteger x, BigInteger v) throws Exception {
      BigInteger gv = gen.modPow(v, P);
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      for (byte[] item :
          List.of(unsigned(gen), unsigned(gv), unsigned(gx), id.hex().getBytes(UTF8))) {
        in.write(ByteBuffer.allocate(4).putInt(item.length).array());
        in.write(item);
      }
      BigInteger h = new BigInteger(MessageDigest.getInstance("SHA-256").digest(in.toByteArray()));
      return new BigInteger[] {gv, v.subtract(x.multiply(h)).mod(Q)};
    }
  }

  /** u32 length ‖ minimal two's complement, per value. */
  private static byte[] encode(BigInteger... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BigInteger v : values) {
      byte[] m = v.toByteArray();
      out.writeBytes(ByteBuffer.allocate(4).putInt(m.length).array());
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private static byte[] unsigned(BigInteger v) {
    byte[] m = v.toByteArray();
    return m[0] == 0 && m.length > 1 ? Arrays.copyOfRange(m, 1, m.length) : m;
  }

  /** A 2048-bit value as 64 hex digits a line, continuation lines indented to line up. */
  private static String lines(BigInteger v) {
    String hex = HEX.formatHex(unsigned(v));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 64) {
      out.append(i == 0 ? "" : "   ").append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
    }
    return out.toString();
  }

  private static String frame(String what, byte[] payload) throws Exception {
    int round = what.charAt(what.length() - 1) - '0';
    byte[] f = delimited(LinkCodec.toFrame(new RoomPake(round, payload)).toByteArray());
    return "alice's `RoomPake` "
        + what
        + " ("
        + f.length
        + " bytes, payload "
        + payload.length
        + "):\n\n```\n"
        + dump(f, false)
        + "```\n\n";
  }

  private static String sha256(byte[] b) throws Exception {
    return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void theDocumentCarriesThePakeVectorTheCodeMakes() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    for (String block : paragraphs(expected(), "pake-vectors.md")) {
      assertThat(doc).contains(block);
    }
  }
}
