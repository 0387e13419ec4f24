package meshchat.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.proto.v1.Registered;
import meshchat.proto.v1.TrackerFrame;
import org.junit.jupiter.api.Test;

/**
 * rev38: the heartbeat interval a tracker announces in Registered (uint32 {@code
 * heartbeat_interval_ms}) is taken as it comes: {@code TrackerClient.startHeartbeats} schedules a
 * heartbeat every {@code intervalMs} for any value above 0, with no lower bound and no writability
 * check. A hostile tracker, or anyone on the plain-TCP tracker session who rewrites one Registered
 * (docs/security.md's outsider "can inject"), says 1 ms: the peer writes a thousand heartbeats a
 * second for as long as the session lasts, and when the tracker stops reading they pile up in the
 * channel's outbound buffer without bound (memory). No single hostile party may cost a peer
 * unbounded CPU or memory.
 */
class Rev38HeartbeatIntervalTest {
  @Test
  void aOneMillisecondHeartbeatIntervalFromTheTrackerIsNotObeyed() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicInteger heartbeats = new AtomicInteger();
      CompletableFuture<Long> firstHeartbeatAt = new CompletableFuture<>();
      Thread tracker =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  for (TrackerFrame f; (f = TrackerFrame.parseDelimitedFrom(in)) != null; ) {
                    if (f.hasRegister()) {
                      TrackerFrame.newBuilder()
                          .setRegistered(
                              Registered.newBuilder()
                                  .setRequestId(f.getRegister().getRequestId())
                                  .setRoom(f.getRegister().getRoom())
                                  .setHeartbeatIntervalMs(1)
                                  .setTtlMs(3))
                          .build()
                          .writeDelimitedTo(s.getOutputStream());
                      s.getOutputStream().flush();
                    } else if (f.hasHeartbeat()) {
                      if (heartbeats.incrementAndGet() == 1) {
                        firstHeartbeatAt.complete(System.nanoTime());
                      }
                    }
                  }
                } catch (Exception e) {
                  // the client closed
                }
              },
              "fake-tracker");
      tracker.setDaemon(true);
      tracker.start();
      TrackerClient client =
          TrackerClient.connect(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                  group,
                  new TrackerListener() {})
              .get(30, TimeUnit.SECONDS);
      try {
        client.register("lobby", new byte[32], "ann", "", 7001).get(30, TimeUnit.SECONDS);
        // a heartbeat comes after the first interval; then count what a window of 2 s brings
        long start = firstHeartbeatAt.get(30, TimeUnit.SECONDS);
        int before = heartbeats.get();
        Thread.sleep(2_000); // a measuring window, not a wait for a condition
        long windowMs = (System.nanoTime() - start) / 1_000_000;
        int sent = heartbeats.get() - before + 1;
        // an honest tracker's interval is seconds (5 s by default); the peer heartbeats at most
        // every MIN_HEARTBEAT_MS (100 ms, as short as the tests' trackers ask) whatever it is told
        assertThat(sent)
            .as("heartbeats the peer sent in %d ms at the tracker's word (1 ms)", windowMs)
            .isLessThanOrEqualTo((int) (windowMs / TrackerClient.MIN_HEARTBEAT_MS) + 2);
      } finally {
        client.close();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
