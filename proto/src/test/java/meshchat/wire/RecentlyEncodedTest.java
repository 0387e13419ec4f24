package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentlyEncodedTest {
  private final List<String> encoded = new ArrayList<>();
  private final RecentlyEncoded<String, byte[]> recent = new RecentlyEncoded<>(b -> b.length);

  private byte[] encode(String s) {
    encoded.add(s);
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aBurstOfFramesWrittenToLinkAfterLinkIsEncodedOncePerFrame() {
    String chat = new String("chat");
    String head = new String("head");
    for (int link = 0; link < 4; link++) {
      recent.get(chat, this::encode);
      recent.get(head, this::encode);
    }
    assertThat(encoded).containsExactly("chat", "head");
  }

  @Test
  void anEqualButOtherObjectIsEncodedAgain() {
    byte[] first = recent.get(new String("x"), this::encode);
    byte[] second = recent.get(new String("x"), this::encode);
    assertThat(encoded).hasSize(2);
    assertThat(second).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void theOldestIsForgottenOnceAllSlotsAreTaken() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i <= RecentlyEncoded.SLOTS; i++) {
      keys.add(new String("k" + i));
      recent.get(keys.get(i), this::encode);
    }
    recent.get(keys.get(RecentlyEncoded.SLOTS), this::encode); // the newest: still kept
    recent.get(keys.get(0), this::encode); // the oldest: forgotten
    assertThat(encoded).hasSize(RecentlyEncoded.SLOTS + 2).endsWith("k0");
  }

  @Test
  void onlyTheLastBigValueIsKept() {
    String big = "b".repeat(RecentlyEncoded.MAX_BYTES + 1);
    String small = new String("s");
    recent.get(big, this::encode);
    recent.get(big, this::encode); // asked twice in a row (size, then bytes): encoded once
    recent.get(small, this::encode);
    String bigger = "c".repeat(RecentlyEncoded.MAX_BYTES + 1);
    recent.get(bigger, this::encode);
    recent.get(big, this::encode); // displaced by the later big one
    recent.get(small, this::encode); // small ones stay
    assertThat(encoded).hasSize(4);
  }
}
