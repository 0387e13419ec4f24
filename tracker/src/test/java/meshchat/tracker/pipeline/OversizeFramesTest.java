package meshchat.tracker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Map;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame;
import meshchat.proto.v1.TrackerFrame.BodyCase;
import meshchat.tracker.directory.Member;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * (rev32 FINDING-4) A tracker frame of ours over the bound on what the tracker sends is not lost
 * silently: it is counted by type and logged in one line without a stack trace, the session stays
 * open and the next frame goes. Before, the tracker's encoder dropped such answers with neither.
 */
class OversizeFramesTest {
  @Test
  void aFrameOverTheAnswerBoundIsCountedAndLoggedAndTheNextOneGoes() {
    ListAppender<ILoggingEvent> sessionLog = new ListAppender<>();
    sessionLog.start();
    Logger logger = (Logger) LoggerFactory.getLogger("meshchat.tracker.session");
    logger.addAppender(sessionLog);
    try {
      TrackerCounters counters = new TrackerCounters();
      int bound = 512; // small, so that one real answer is over it
      EmbeddedChannel ch = new EmbeddedChannel();
      Framing.addTo(
          ch.pipeline(),
          TrackerFrame.getDefaultInstance(),
          Framing.TRACKER_MAX_REQUEST_BYTES,
          bound,
          new OversizeFrames(counters, bound));
      List<Member> members = List.of(TrackerAnswerBoundTest.longest(1));
      TrackerFrame big = Frames.lookupResult(7, "lobby", members);
      assertThat(big.getSerializedSize()).isGreaterThan(bound);

      ch.writeOutbound(big);
      ByteBuf none = ch.readOutbound();
      assertThat(none == null || !none.isReadable()).as("nothing written").isTrue();
      if (none != null) {
        none.release();
      }
      assertThat(counters.framesNotSent()).isEqualTo(Map.of(BodyCase.LOOKUP_RESULT, 1L));
      assertThat(counters.toString()).contains("not_sent_lookup_result=1");
      assertThat(sessionLog.list).hasSize(1);
      ILoggingEvent line = sessionLog.list.get(0);
      assertThat(line.getFormattedMessage())
          .contains("lookup_result of " + big.getSerializedSize() + " bytes not sent")
          .contains(bound + "-byte bound")
          .doesNotContain("\n");
      assertThat(line.getThrowableProxy()).as("no stack trace").isNull();

      TrackerFrame small = Frames.error(8, Code.NOT_REGISTERED, "not registered in lobby", false);
      ch.writeOutbound(small);
      ByteBuf written = ch.readOutbound();
      assertThat(written.readableBytes()).isEqualTo(1 + small.getSerializedSize());
      written.release();
      assertThat(ch.isOpen()).isTrue();
      ch.finishAndReleaseAll();
    } finally {
      logger.detachAppender(sessionLog);
    }
  }
}
