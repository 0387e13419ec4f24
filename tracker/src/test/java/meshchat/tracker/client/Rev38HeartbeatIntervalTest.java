package meshchat.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.proto.v1.Registered;
import meshchat.proto.v1.TrackerFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * rev38: the heartbeat interval a tracker announces in Registered (uint32 {@code
 * heartbeat_interval_ms}) was taken as it came: {@code TrackerClient.startHeartbeats} scheduled a
 * heartbeat every {@code intervalMs} for any value above 0, with no lower bound and no writability
 * check. A hostile tracker, or anyone on the plain-TCP tracker session who rewrites one Registered
 * (docs/security.md's outsider "can inject"), said 1 ms: the peer wrote a thousand heartbeats a
 * second (2,015 in 2 s on main) for as long as the session lasted, and when the tracker stopped
 * reading they piled up in the channel's outbound buffer. No single hostile party may cost a peer
 * unbounded CPU or memory.
 *
 * <p>Each case reads the interval the client schedules its heartbeats at, and, where it sends them,
 * waits until three came: no measuring window, so a loaded box cannot bend it.
 */
class Rev38HeartbeatIntervalTest {
  @ParameterizedTest(name = "announced {0} ms, heartbeats every {1} ms")
  @CsvSource({
    "1, 100", // the floor: an honest tracker says seconds (5 s by default)
    "99, 100",
    "100, 100",
    "5000, 5000",
    "0, 0", // none: the tracker lets the registration expire, which costs only us
    "2147483647, 2147483647",
    "-1, 4294967295", // uint32 0xffffffff, read unsigned: about 49 days, not "none"
  })
  void theIntervalATrackerAnnouncesIsObeyedDownTo100Ms(int announced, long expected)
      throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicInteger heartbeats = new AtomicInteger();
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
                                  .setHeartbeatIntervalMs(announced)
                                  .setTtlMs(3))
                          .build()
                          .writeDelimitedTo(s.getOutputStream());
                      s.getOutputStream().flush();
                    } else if (f.hasHeartbeat()) {
                      heartbeats.incrementAndGet();
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
        // the Registered is dispatched (its interval taken) before the register's answer
        client.register("lobby", new byte[32], "ann", "", 7001).get(30, TimeUnit.SECONDS);
        assertThat(client.heartbeatIntervalMs())
            .as("the interval heartbeats go at, the tracker having said %d ms", announced)
            .isEqualTo(expected);
        if (expected > 0 && expected <= 100) {
          await().atMost(Duration.ofSeconds(60)).until(() -> heartbeats.get() >= 3);
        }
      } finally {
        client.close();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
