package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import meshchat.peer.runtime.LinkInfo;
import org.junit.jupiter.api.Test;

/** {@code /status}: each peer's lag and how far its catch-up has come. */
class StatusLineTest {
  private final PeerId bob = PeerId.random(new SplittableRandom(3));

  private LinkInfo link(long lag, long synced) {
    return new LinkInfo(
        bob, "bob", new InetSocketAddress("127.0.0.1", 1), true, true, 3, lag, synced);
  }

  @Test
  void showsLagAndProgress() {
    assertThat(Commands.statusLine("bob", link(700, 300)))
        .isEqualTo("bob " + bob.shortHex() + ": 700 messages behind, synced 300/1000 (30%)");
  }

  @Test
  void inSyncSaysSoAndHowMuchCameBySync() {
    assertThat(Commands.statusLine("bob", link(0, 0)))
        .isEqualTo("bob " + bob.shortHex() + ": in sync");
    assertThat(Commands.statusLine("bob", link(0, 12)))
        .isEqualTo("bob " + bob.shortHex() + ": in sync (12 messages synced)");
  }
}
