package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.Test;

class CanonicalBytesTest {
  /**
   * The chain hash is taken with Bouncy Castle's SHA-256 (faster under C1): every layout, across
   * the block boundaries and a buffer that grew, reused, hashes exactly as the JDK's SHA-256 does.
   */
  @Test
  void bouncyCastlesDigestOfALayoutIsTheJdksSha256() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    MessageDigest jdk = MessageDigest.getInstance("SHA-256");
    SHA256Digest bc = new SHA256Digest();
    CanonicalBytes reused = CanonicalBytes.reusable();
    byte[] start = CanonicalBytes.of("meshchat/chat/v1").string("room").toByteArray();
    for (int i = 0; i < 300; i++) {
      byte[] text = new byte[random.nextInt(0, 700)];
      random.nextBytes(text);
      CanonicalBytes b = reused.restart(start).u64(random.nextLong()).bytes(text);
      assertThat(b.digest(bc)).isEqualTo(jdk.digest(b.toByteArray())).hasSize(32);
      assertThat(b.digest(bc)).as("reset between uses").isEqualTo(b.digest(jdk));
    }
  }
}
