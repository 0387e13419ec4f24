package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A frame of ours over the link's frame limit (counted {@code frame_not_sent}) is logged: one line
 * at once, then at most one a minute, saying how many were dropped meanwhile; no stack trace.
 */
class FramesNotSentLogTest {
  private static final long MIN = FramesNotSentLog.EVERY_NANOS;

  @Test
  void theFirstIsLoggedAtOnceThenOneAMinuteWithTheCountBetween() {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Logger logger = (Logger) LoggerFactory.getLogger(FramesNotSentLog.class);
    logger.addAppender(lines);
    try {
      FramesNotSentLog l = new FramesNotSentLog();
      long t = Long.MAX_VALUE - 10 * MIN; // nanoTime may be anywhere, even near its wrap
      assertThat(l.dropped("equivocated", 1_200_000, 1_048_576, "/127.0.0.1:4000", t)).isTrue();
      for (int i = 1; i <= 1_000; i++) {
        assertThat(l.dropped("equivocated", 1_200_000, 1_048_576, "/127.0.0.1:4000", t + i))
            .isFalse();
      }
      assertThat(l.dropped("digest", 2_000_000, 1_048_576, "/127.0.0.2:4001", t + MIN - 1))
          .isFalse();
      assertThat(l.dropped("digest", 2_000_000, 1_048_576, "/127.0.0.2:4001", t + MIN)).isTrue();
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "a frame (equivocated) of 1200000 bytes to /127.0.0.1:4000 was not sent: over the"
                  + " link's frame limit of 1048576 bytes",
              "a frame (digest) of 2000000 bytes to /127.0.0.2:4001 was not sent: over the link's"
                  + " frame limit of 1048576 bytes (and 1001 more since the last such line)");
      assertThat(lines.list).allMatch(e -> e.getThrowableProxy() == null);
      // across the wrap of nanoTime: still a minute apart
      assertThat(l.dropped("digest", 1, 0, "x", t + 11 * MIN)).isTrue();
    } finally {
      logger.detachAppender(lines);
    }
  }
}
