package meshchat.tracker;

import static meshchat.fixture.docs.HexDump.delimited;
import static meshchat.fixture.docs.HexDump.dump;
import static meshchat.fixture.docs.HexDump.paragraphs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import meshchat.proto.v1.GetNonce;
import meshchat.proto.v1.Member;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.Nonce;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.client.RegistrationKey;
import meshchat.wire.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * The source of truth of docs/protocol.md's GetNonce, Nonce, Register and MemberJoined (a signed
 * statement) dumps: computed here from the code with the documented test identity bob (seed 32 ×
 * 02), and required verbatim in the document. On a change, copy the blocks this writes to
 * tracker/target/register-vectors.md.
 */
class RegisterVectorsTest {
  private static final Path DOC = Path.of("..", "docs", "protocol.md");
  static final long TIMESTAMP = 1_795_705_200_000L;

  static byte[] nonce() {
    byte[] n = new byte[32];
    for (int i = 0; i < 32; i++) {
      n[i] = (byte) (0x40 + i);
    }
    return n;
  }

  static String expected() throws Exception {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 2);
    byte[] raw = new byte[32];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, raw, 0);
    byte[] id = Ed25519.fingerprint(raw);
    byte[] t =
        RegistrationKey.transcript(
            nonce(), "192.168.1.21", "general", id, "bob", "", 7001, TIMESTAMP);
    TrackerFrame getNonce =
        TrackerFrame.newBuilder()
            .setGetNonce(GetNonce.newBuilder().setRequestId(1).setProtocolVersion(1))
            .build();
    TrackerFrame answer =
        TrackerFrame.newBuilder()
            .setNonce(
                Nonce.newBuilder()
                    .setRequestId(1)
                    .setNonce(ByteString.copyFrom(nonce()))
                    .setObservedHost("192.168.1.21"))
            .build();
    TrackerFrame register =
        TrackerFrame.newBuilder()
            .setRegister(
                Register.newBuilder()
                    .setRequestId(2)
                    .setProtocolVersion(1)
                    .setRoom("general")
                    .setPeerId(ByteString.copyFrom(id))
                    .setNick("bob")
                    .setPort(7001)
                    .setPublicKey(ByteString.copyFrom(raw))
                    .setSignature(ByteString.copyFrom(Ed25519.sign(seed, t)))
                    .setTimestampMs(TIMESTAMP))
            .build();
    Register r = register.getRegister();
    TrackerFrame joined =
        TrackerFrame.newBuilder()
            .setMemberJoined(
                MemberJoined.newBuilder()
                    .setRoom("general")
                    .setMember(
                        Member.newBuilder()
                            .setPeerId(r.getPeerId())
                            .setNick(r.getNick())
                            .setHost("192.168.1.21")
                            .setPort(r.getPort())
                            .setPublicKey(r.getPublicKey())
                            .setSignature(r.getSignature())
                            .setTimestampMs(r.getTimestampMs())
                            .setSessionNonce(ByteString.copyFrom(nonce()))
                            .setObservedHost("192.168.1.21")
                            .setAdvertisedHost(r.getHost())))
            .build();
    return block("GetNonce", delimited(getNonce.toByteArray()), true)
        + block("Nonce", delimited(answer.toByteArray()), true)
        + block("Register", delimited(register.toByteArray()), true)
        + "canonical ("
        + t.length
        + " bytes):\n\n```\n"
        + dump(t, false)
        + "```\n\n"
        + block("MemberJoined", delimited(joined.toByteArray()), true);
  }

  private static String block(String name, byte[] b, boolean ascii) {
    return "`" + name + " (" + b.length + " bytes)`:\n\n```\n" + dump(b, ascii) + "```\n\n";
  }

  @Test
  void theDocumentCarriesTheRegisterVectorsTheCodeMakes() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    for (String block : paragraphs(expected(), "register-vectors.md")) {
      if (block.startsWith("```")) {
        assertThat(doc).contains(block.strip());
      }
    }
  }
}
