package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import meshchat.proto.v1.LookupResult;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.junit.jupiter.api.Test;

/**
 * (rev32) Since session 31 (rev31 FINDING-8's fix) a frame over the pipeline's {@code
 * maxFrameBytes} is never written: dropped, and the sender told through a hook. The tracker adds
 * that framing with its own {@code maxFrameBytes}, the 8 KiB bound on what a session may send it,
 * "both ways", and with no hook: every answer it writes over 8 KiB is dropped, silently. Its
 * answers are not bounded by 8 KiB: a Registered or LookupResult names up to 32 members, each with
 * the statement it signed (room, nick up to 128 bytes, host up to 255, key, signature, nonce,
 * address, time). 16 members with long nicks and host names (what one source address may register
 * in a room) make every Lookup of the room, and every newcomer's Register, go unanswered: nobody
 * can find the room through the tracker any more, and its members do not learn of newcomers.
 */
class TrackerAnswerSizeTest {
  @Test
  void aRoomOfMembersWithLongNamesIsStillAnsweredToALookup() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<TrackerClient> clients = new ArrayList<>();
    try (TrackerServer server = TrackerServer.start(TrackerConfig.localTest())) {
      String host = "a".repeat(251) + ".net"; // 255 characters, a valid host name
      int unanswered = -1;
      int largest = 0;
      for (int i = 0; i < 16; i++) {
        TrackerClient c =
            TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join();
        clients.add(c);
        TestKeys k = new TestKeys();
        String nick = String.format("%03d", i) + "n".repeat(29); // 32 characters, the most
        try {
          var r =
              c.register("lobby", k.id, nick, host, 7000 + i, k.key()).get(10, TimeUnit.SECONDS);
          largest = Math.max(largest, r.getSerializedSize());
        } catch (TimeoutException e) {
          unanswered = i;
          break;
        }
      }
      System.out.printf(
          "first member whose Register went unanswered: %d; largest Registered answered: %d bytes%n",
          unanswered, largest);
      assertThat(unanswered)
          .as("the first of the 16 members whose Register went unanswered")
          .isEqualTo(-1);
      TrackerClient newcomer =
          TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join();
      clients.add(newcomer);
      LookupResult found;
      try {
        found = newcomer.lookup("lobby").get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        found = null;
      }
      System.out.printf(
          "lookup of a room of 16 long-named members: %s%n",
          found == null
              ? "no answer in 10 s"
              : found.getMembersCount() + " members, " + found.getSerializedSize() + " bytes");
      assertThat(found).as("the tracker's answer to a newcomer's Lookup").isNotNull();
      assertThat(found.getMembersCount()).isEqualTo(16);
    } finally {
      for (TrackerClient c : clients) {
        c.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
