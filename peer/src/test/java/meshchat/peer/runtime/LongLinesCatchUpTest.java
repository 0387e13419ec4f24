package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.message.LinkMessage.PeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev28 F9: a sync answer was bounded in messages (2,048), not in bytes, and all its frames are
 * written in one burst before the flush, so an answer over the send queue's 16 MiB made the
 * answerer cut the link as "the reader is behind", however fast the reader: a room whose history
 * holds 2,048 lines of 9 KiB could never be caught up. An answer now holds at most two frames.
 */
class LongLinesCatchUpTest {
  @TempDir Path dir;

  @Test
  void aNewcomerCatchesUpARoomOfLongLines() throws Exception {
    catchUp(400, 48 * 1024); // 19 MiB of history: one pipeline of asks covers it all
  }

  /** The product's room settings (2,048 a request, 768 KiB frames, a first ask of 256). */
  private static PeerConfig product(PeerConfig c) {
    return c.withTracker(null, false)
        .with(d -> d.roomConfig = PeerConfig.ROOM_DEFAULTS.with(r -> r.syncIntervalMs = 500));
  }

  private void catchUp(int lines, int size) throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(28, dir)) {
      PeerNode n0 = mesh.start(product(mesh.config(0)));
      String text = "l".repeat(size);
      CompletableFuture<?> last = null;
      for (int i = 0; i < lines; i++) {
        last = n0.send(i + " " + text);
      }
      last.join();
      long held = n0.gauges().join().stored();
      PeerNode n1 = mesh.start(product(mesh.config(1)));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      await().atMost(Duration.ofSeconds(90)).until(() -> n1.gauges().join().stored() >= held);
      assertThat(n1.gauges().join().stored()).isEqualTo(held);
      assertThat(n0.counters().linkCloses())
          .as("links cut as a reader too far behind")
          .doesNotContainKey("limit_exceeded");
    }
  }
}
