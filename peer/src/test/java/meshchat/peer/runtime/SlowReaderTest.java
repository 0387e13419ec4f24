package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A member that completes an honest handshake and then never reads: what the node queues for it is
 * bounded by the link's {@code maxQueuedBytes}, then the link is closed and counted, and the room
 * goes on for everyone else.
 */
class SlowReaderTest {
  private static final int TEXT_BYTES = 32 * 1024;
  // the kernel's buffers take a few MB of a reader that does not read (the node's send buffer
  // autotunes up to 4 MB here); past that every byte is the node's to hold, until the bound
  private static final long MAX_QUEUED = 256 * 1024;
  private static final int MOST_SENDS = 64 * 1024 * 1024 / TEXT_BYTES;

  @Test
  void aMemberThatStopsReadingIsCutOffAtTheQueueBoundAndTheRoomGoesOn() throws Exception {
    Identity mallory = Identity.generate();
    Identity bob = Identity.generate();
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode node =
          mesh.start(
              mesh.config(0)
                  .withTracker(null, false)
                  .with(
                      d ->
                          d.linkConfig =
                              d.linkConfig.with(
                                  l -> {
                                    l.idleTimeoutMs = 120_000; // silence is not what is tested
                                    l.writeLowWater = 16 * 1024;
                                    l.writeHighWater = 64 * 1024;
                                    l.maxQueuedBytes = MAX_QUEUED;
                                  })));
      try (RawPeer stalled = new RawPeer(mallory, node.port(), null)) {
        // a small receive buffer (this box lets one grow to 32 MB): the backlog reaches the node
        stalled.socket.setReceiveBufferSize(64 * 1024);
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> node.links().join().size() == 1);
        String text = "x".repeat(TEXT_BYTES);
        int sends = 0;
        while (!node.links().join().isEmpty()) {
          assertThat(sends).as("sends before the link was cut").isLessThan(MOST_SENDS);
          node.send(text).get(10, TimeUnit.SECONDS);
          sends++;
        }
        assertThat(stalled.socket.isClosed()).isFalse(); // it never read, never left
        // it took more than the bound to fill the kernel's buffers and the queue
        assertThat((long) sends * TEXT_BYTES).isGreaterThan(MAX_QUEUED);
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> node.counters().linkCloses().equals(Map.of("limit_exceeded", 1L)));
      }
      // another member links, is sent what it asks for and hears new lines
      try (RawPeer reader = new RawPeer(bob, node.port(), null)) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> node.links().join().size() == 1);
        node.send("after").get(10, TimeUnit.SECONDS);
        for (; ; ) {
          if (reader.readUntil(LinkMessage.Chat.class).message().text().equals("after")) {
            break;
          }
        }
        reader.send(new LinkMessage.Close(LinkMessage.CloseReason.LEAVING, "bye"));
      }
      // each close counted once by its reason; the one bob gave apart, as the other side's
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  node.counters().linkCloses().equals(Map.of("limit_exceeded", 1L, "leaving", 1L)));
      assertThat(node.counters().linkClosesByThem()).isEqualTo(Map.of("leaving", 1L));
    }
  }
}
