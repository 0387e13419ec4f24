package meshchat.peer.identity;

import static meshchat.fixture.docs.HexDump.delimited;
import static meshchat.fixture.docs.HexDump.dump;
import static meshchat.fixture.docs.HexDump.paragraphs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.LinkMessage.HelloProof;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * The source of truth of docs/protocol.md's handshake vectors: each is computed here from the code
 * with the documented test identities, and must appear in the document verbatim. On a change, run
 * this test, copy the blocks it writes to peer/target/handshake-vectors.md into the document, and
 * review the diff.
 */
class HandshakeVectorsTest {
  static final Path DOC = Path.of("..", "docs", "protocol.md");
  private static final HexFormat HEX = HexFormat.of();

  static Identity fromSeed(int b) throws Exception {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) b);
    byte[] pkcs8 = HEX.parseHex("302e020100300506032b657004220420");
    byte[] enc = Arrays.copyOf(pkcs8, pkcs8.length + 32);
    System.arraycopy(seed, 0, enc, pkcs8.length, 32);
    KeyFactory kf = KeyFactory.getInstance("Ed25519");
    var priv = kf.generatePrivate(new PKCS8EncodedKeySpec(enc));
    byte[] raw = new byte[32];
    Ed25519.generatePublicKey(seed, 0, raw, 0);
    return new Identity(new KeyPair(meshchat.wire.Ed25519.publicKey(raw), priv));
  }

  static byte[] counting(int from) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  static byte[] filled(int v) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) v);
    return b;
  }

  /**
   * alice's proof to bob in room "general": bob's challenge 20..3f, alice's 00..1f, alice's
   * certificate hash 32 × aa, bob's 32 × bb.
   */
  static String expected() throws Exception {
    Identity alice = fromSeed(1);
    Identity bob = fromSeed(2);
    byte[] t =
        HelloProofs.transcript(
            "general",
            alice.peerId(),
            bob.peerId(),
            counting(0x20),
            counting(0x00),
            filled(0xaa),
            filled(0xbb));
    byte[] frame =
        delimited(LinkCodec.toFrame(new HelloProof(alice.sign(t), new byte[0])).toByteArray());
    char[] secret = "hunter2".toCharArray();
    RoomKey ops = RoomKey.derive("ops", secret);
    byte[] k = RoomKey.argon2id("ops", secret);
    byte[] sealed = SealedBody.seal(ops, alice.peerId(), 3, "alice", "hi bob");
    String vector =
        "```\nK        "
            + HEX.formatHex(k)
            + "\nroom id  "
            + ops.roomId()
            + "\nK_pake   "
            + new String(ops.pakePassword())
            + "\nK_enc    "
            + HEX.formatHex(ops.encKey())
            + "\n```\n\n";
    String sealedDump =
        "nonce `"
            + HEX.withDelimiter(" ").formatHex(sealed, 0, 12)
            + "`:\n\n```\n"
            + dump(sealed, false)
            + "```\n\n";
    return vector
        + sealedDump
        + "transcript ("
        + t.length
        + " bytes):\n```\n"
        + dump(t, false)
        + "```\n\n"
        + "`HelloProof ("
        + frame.length
        + " bytes)`:\n\n```\n"
        + dump(frame, true)
        + "```\n";
  }

  @Test
  void theDocumentCarriesTheVectorsTheCodeMakes() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    for (String block : paragraphs(expected(), "handshake-vectors.md")) {
      String body = block.contains("```") ? block.substring(block.indexOf("```")) : block;
      if (body.startsWith("nonce")) {
        body = body.substring(0, body.indexOf('`', 7) + 1);
      }
      assertThat(doc).contains(body);
    }
  }
}
