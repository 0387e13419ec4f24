package meshchat.tracker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import meshchat.proto.v1.Register;
import meshchat.tracker.client.RegistrationKey;
import meshchat.wire.Ed25519;
import org.junit.jupiter.api.Test;

/** An old signed Register (seen on the wire, say) cannot be replayed outside the window. */
class KeyProofTimestampTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final byte[] NONCE = new byte[32];
  private final KeyProof proof =
      new KeyProof(true, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private static Register signedAt(long timestampMs) throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] raw = Ed25519.raw(pair.getPublic());
    byte[] id = Ed25519.fingerprint(raw);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(pair.getPrivate());
    s.update(
        RegistrationKey.transcript(NONCE, "10.0.0.9", "lobby", id, "ann", "", 7000, timestampMs));
    return Register.newBuilder()
        .setRoom("lobby")
        .setPeerId(ByteString.copyFrom(id))
        .setNick("ann")
        .setPort(7000)
        .setPublicKey(ByteString.copyFrom(raw))
        .setTimestampMs(timestampMs)
        .setSignature(ByteString.copyFrom(s.sign()))
        .build();
  }

  @Test
  void aFreshRegistrationPassesAndAStaleOrFutureOneIsRefused() throws Exception {
    assertThat(proof.problem(signedAt(NOW - 60_000), NONCE, "10.0.0.9")).isNull();
    assertThat(proof.problem(signedAt(NOW - KeyProof.WINDOW.toMillis() - 1), NONCE, "10.0.0.9"))
        .contains("from the tracker's clock");
    assertThat(proof.problem(signedAt(NOW + KeyProof.WINDOW.toMillis() + 1), NONCE, "10.0.0.9"))
        .contains("from the tracker's clock");
    // a stamp whose distance from now overflows a long is still far away
    assertThat(proof.problem(signedAt(NOW + Long.MIN_VALUE), NONCE, "10.0.0.9"))
        .contains("from the tracker's clock");
    assertThat(proof.problem(signedAt(Long.MAX_VALUE), NONCE, "10.0.0.9"))
        .contains("from the tracker's clock");
  }
}
