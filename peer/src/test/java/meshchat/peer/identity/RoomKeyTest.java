package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/**
 * Pins docs/security.md's derivation as a third-party client would write it from the formulas: each
 * subkey is plain HMAC-SHA256(K, label), not HKDF-Expand (whose first block appends 0x01).
 */
class RoomKeyTest {
  private static final String NAME = "ops";
  private static final char[] SECRET = "tr0ub4dor".toCharArray();
  private static final RoomKey KEY = RoomKey.derive(NAME, SECRET);

  @Test
  void theRoomIdIsPlainHmacOfTheLabelUnderTheArgon2idKey() throws Exception {
    byte[] k = argon2id();
    String expected = "p-" + HexFormat.of().formatHex(hmac(k, label("room-id")), 0, 16);
    assertThat(KEY.roomId()).isEqualTo(expected);
    byte[] hkdfFirstBlock = hmac(k, concat(label("room-id"), new byte[] {1}));
    assertThat(KEY.roomId()).isNotEqualTo("p-" + HexFormat.of().formatHex(hkdfFirstBlock, 0, 16));
  }

  @Test
  void thePakePasswordIsTheHexOfHmacOfPake() throws Exception {
    byte[] kPake = hmac(argon2id(), label("pake"));
    assertThat(new String(KEY.pakePassword())).isEqualTo(HexFormat.of().formatHex(kPake));
  }

  @Test
  void theKeyIsArgon2idWithTheDocumentedParameters() {
    assertThat(RoomKey.argon2id(NAME, SECRET)).isEqualTo(argon2id());
    assertThat(List.of(RoomKey.ITERATIONS, RoomKey.MEMORY_KIB, RoomKey.PARALLELISM))
        .containsExactly(2, 19_456, 1);
  }

  /** K as docs/security.md gives it: Argon2id v1.3, t = 2, m = 19,456 KiB, p = 1, 32 bytes. */
  private static byte[] argon2id() {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(0x13)
            .withIterations(2)
            .withMemoryAsKB(19_456)
            .withParallelism(1)
            .withSalt(("meshchat/room/v2:" + NAME).getBytes(StandardCharsets.UTF_8))
            .build());
    byte[] k = new byte[32];
    g.generateBytes(new String(SECRET).getBytes(StandardCharsets.UTF_8), k);
    return k;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] label(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
