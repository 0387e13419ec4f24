package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.proto.v1.Error.Code;
import org.junit.jupiter.api.Test;

/**
 * What a stranger's sessions make the tracker hold before it has said anything (rev28 F1). Every
 * honest tracker request (Register, Lookup, GetNonce, Heartbeat) is a few hundred bytes; when the
 * tracker accepted 1 MiB frames it buffered each session's unfinished one, 256 MiB per source
 * address. This test opens 32 sessions from one address (an eighth of what one address may hold)
 * and has each send the length prefix of a 1 MiB frame and all but its last byte. The tracker must
 * not hold more than a few MiB for them: it refuses such a frame as soon as its prefix is read.
 */
class UnfinishedFrameMemoryTest {
  private static final int SESSIONS = 32;
  private static final int FRAME = 1 << 20;

  @Test
  void aStrangersUnfinishedFramesDoNotMakeTheTrackerHoldAMiBEach() throws Exception {
    ByteBufAllocatorMetric metric =
        ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
    try (TrackerServer server = TrackerServer.start(TrackerConfig.localTest())) {
      long before = used(metric);
      List<Socket> sockets = new ArrayList<>();
      byte[] prefix = {(byte) 0x80, (byte) 0x80, (byte) 0x40}; // varint 1,048,576
      byte[] body = new byte[FRAME - 1];
      try {
        for (int i = 0; i < SESSIONS; i++) {
          Socket s =
              new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
          sockets.add(s);
          OutputStream out = s.getOutputStream();
          try {
            out.write(prefix);
            out.write(body);
            out.flush();
          } catch (IOException refused) {
            // the tracker closed the session while the body was being written: what it should do
          }
        }
        // wait until the tracker has read what it was sent, or has refused every session
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    used(metric) - before >= (long) SESSIONS * FRAME * 9 / 10
                        || server.counters().errors(Code.FRAME_TOO_LARGE) >= SESSIONS);
        long held = used(metric) - before;
        System.out.printf(
            "%d strangers' unfinished frames: the tracker's allocator holds %.1f MiB more%n",
            SESSIONS, held / 1048576.0);
        assertThat(held)
            .as(
                "bytes the tracker holds for %d sessions that sent one unfinished frame each",
                SESSIONS)
            .isLessThan(8L << 20);
        assertThat(server.counters().errors(Code.FRAME_TOO_LARGE))
            .as("sessions refused FRAME_TOO_LARGE at their length prefix")
            .isEqualTo(SESSIONS);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  private static long used(ByteBufAllocatorMetric m) {
    return m.usedDirectMemory() + m.usedHeapMemory();
  }
}
