package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
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
  void theRoomIdIsPlainHmacOfTheLabelUnderThePbkdf2Key() throws Exception {
    byte[] k = pbkdf2();
    String expected = "p-" + HexFormat.of().formatHex(hmac(k, label("room-id")), 0, 16);
    assertThat(KEY.roomId()).isEqualTo(expected);
    byte[] hkdfFirstBlock = hmac(k, concat(label("room-id"), new byte[] {1}));
    assertThat(KEY.roomId()).isNotEqualTo("p-" + HexFormat.of().formatHex(hkdfFirstBlock, 0, 16));
  }

  @Test
  void theHelloMacIsHmacUnderHmacOfHelloMac() throws Exception {
    byte[] transcript = "any transcript".getBytes(StandardCharsets.UTF_8);
    byte[] kMac = hmac(pbkdf2(), label("hello-mac"));
    assertThat(KEY.mac(transcript)).isEqualTo(hmac(kMac, transcript));
    assertThat(KEY.macMatches(transcript, hmac(kMac, transcript))).isTrue();
  }

  private static byte[] pbkdf2() throws Exception {
    PBEKeySpec spec =
        new PBEKeySpec(
            SECRET,
            ("meshchat/room/v1:" + NAME).getBytes(StandardCharsets.UTF_8),
            RoomKey.ITERATIONS,
            256);
    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
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
