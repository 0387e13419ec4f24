package meshchat.peer.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The pairing pool's places, shared by network (docs/security.md, "Hostile members"). */
class PairingSharesTest {

  @Test
  void oneNetworksFloodLeavesTheOtherNetworksTheirPlaces() {
    PairingShares shares = new PairingShares(32, PairingShares.shareOf(32));
    int taken = 0;
    for (int i = 0; i < 1_000; i++) {
      if (shares.take("203.0.0.0/16")) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(8);
    // an honest member from elsewhere pairs while the flood holds its share
    assertThat(shares.take("198.51.0.0/16")).isTrue();
    // four networks flooding fill the pool: then nobody else finds a place
    for (String n : List.of("192.0.0.0/16", "100.1.0.0/16", "2001:db8::/32")) {
      for (int i = 0; i < 100; i++) {
        shares.take(n);
      }
    }
    assertThat(shares.total()).isEqualTo(32);
    assertThat(shares.take("fresh")).isFalse();
    shares.release("203.0.0.0/16");
    assertThat(shares.take("fresh")).isTrue();
  }

  @Test
  void extremeBoundsAreRefusedOrClamped() {
    assertThatThrownBy(() -> new PairingShares(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairingShares(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairingShares(-1, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PairingShares.shareOf(1)).isEqualTo(1);
    assertThat(PairingShares.shareOf(3)).isEqualTo(1);
    assertThat(new PairingShares(2, Integer.MAX_VALUE).share()).isEqualTo(2);
    PairingShares one = new PairingShares(Integer.MAX_VALUE, 1);
    assertThat(one.take("a")).isTrue();
    assertThat(one.take("a")).isFalse();
    assertThatThrownBy(() -> one.release("b")).isInstanceOf(IllegalStateException.class);
  }

  @Property(tries = 200)
  void noNetworkOverItsShareNeverOverTheMaxAndANewcomerRefusedOnlyWhenFull(
      @ForAll @IntRange(min = 1, max = 64) int max,
      @ForAll @IntRange(min = 1, max = 80) int share,
      @ForAll @IntRange(min = 1, max = 12) int networks,
      @ForAll long seed) {
    PairingShares shares = new PairingShares(max, share);
    SplittableRandom random = new SplittableRandom(seed);
    List<String> inProgress = new ArrayList<>();
    for (int step = 0; step < 500; step++) {
      if (!inProgress.isEmpty() && random.nextInt(3) == 0) {
        shares.release(inProgress.remove(random.nextInt(inProgress.size())));
      } else {
        String n = "net" + random.nextInt(networks);
        boolean fresh = shares.held(n) == 0;
        boolean full = shares.total() >= max;
        boolean took = shares.take(n);
        if (took) {
          inProgress.add(n);
        }
        if (fresh) {
          assertThat(took)
              .as("a network holding nothing is refused only when full")
              .isEqualTo(!full);
        }
      }
      assertThat(shares.total()).isEqualTo(inProgress.size()).isLessThanOrEqualTo(max);
      assertThat(shares.networks()).isLessThanOrEqualTo(max);
      for (int i = 0; i < networks; i++) {
        assertThat(shares.held("net" + i)).isLessThanOrEqualTo(Math.min(share, max));
      }
    }
  }
}
