package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ed25519Test {
  @Test
  void aFingerprintIsTheFirstSixteenBytesOfTheJdksSha256OfTheKey() throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      byte[] key = new byte[i % 3 == 0 ? i % 70 : Ed25519.PUBLIC_KEY_BYTES];
      random.nextBytes(key);
      byte[] jdk = MessageDigest.getInstance("SHA-256").digest(key);
      assertThat(Ed25519.fingerprint(key)).isEqualTo(Arrays.copyOf(jdk, 16));
    }
  }

  @Test
  void theRfc8032TestKeyHasItsPublishedPublicKey() {
    // RFC 8032 §7.1, TEST 1
    HexFormat hex = HexFormat.of();
    byte[] seed = hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    assertThat(hex.formatHex(Ed25519.publicKeyOf(seed)))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  }
}
