package meshchat.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.LookupResult;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.Test;

/**
 * (rev32 FINDING-4) The client side of the tracker's bounds: a request over what a tracker takes (8
 * KiB) is not sent, to be refused FRAME_TOO_LARGE and the session closed; its request fails at once
 * with FRAME_TOO_LARGE, counted, and the session stays up for the next request.
 */
class TrackerClientRequestBoundTest {
  @Test
  void aRequestOverTheTrackersBoundFailsCountedAndTheSessionStays() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (TrackerServer server = TrackerServer.start(TrackerConfig.localTest());
        TrackerClient c =
            TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join()) {
      String huge = "r".repeat(TrackerClient.MAX_REQUEST_BYTES);
      assertThatThrownBy(() -> c.lookup(huge).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TrackerException.class)
          .hasMessageContaining("bytes not sent to the tracker");
      CompletableFuture<LookupResult> second = c.lookup(huge);
      assertThat(second).as("failed at once, with no round trip").isCompletedExceptionally();
      Throwable why = catchThrowable(second::join).getCause();
      assertThat(why).isInstanceOf(TrackerException.class);
      assertThat(((TrackerException) why).code()).isEqualTo(Code.FRAME_TOO_LARGE);
      assertThat(c.framesNotSent()).isEqualTo(2);
      // the session is still up: a request in bounds is answered
      assertThat(c.lookup("lobby").get(10, TimeUnit.SECONDS).getMembersCount()).isZero();
      assertThat(c.isOpen()).isTrue();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
