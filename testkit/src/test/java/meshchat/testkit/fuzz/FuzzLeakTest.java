package meshchat.testkit.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every buffer the fuzzed pipelines touch is released, whatever the garbage: Netty's leak detector
 * at PARANOID tracks each pooled buffer and logs "LEAK" for any garbage-collected unreleased.
 */
class FuzzLeakTest {
  private static void collectAndProbe() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 1_000; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
  }

  @Test
  void noBufferLeaksUnderParanoidLeakDetection() {
    ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
    Logger leakLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    leakLog.addAppender(events);
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try {
      Fuzzer.Report r = Fuzzer.run(99, 5_000);
      assertThat(r.findings()).isEmpty();
      // leaks are reported when a later allocation finds a collected, unreleased buffer
      collectAndProbe();
      assertThat(events.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(m -> m.contains("LEAK"));

      // the control: one buffer dropped unreleased is reported, so the check above can fail
      PooledByteBufAllocator.DEFAULT.buffer(16).writeInt(1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                collectAndProbe();
                return events.list.stream().anyMatch(e -> e.getFormattedMessage().contains("LEAK"));
              });
    } finally {
      ResourceLeakDetector.setLevel(before);
      leakLog.detachAppender(events);
    }
  }
}
