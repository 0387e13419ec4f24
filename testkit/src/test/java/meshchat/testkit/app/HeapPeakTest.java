package meshchat.testkit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HeapPeakTest {
  private static final int MB = 1 << 20;

  @Test
  void thePeakCountsWhatACollectionLeftInTheHeapAndNeverMoreThanItsLimit() {
    try (HeapUse.Peak peak = HeapUse.Peak.watch()) {
      byte[][] held = new byte[32][];
      for (int i = 0; i < held.length; i++) {
        held[i] = new byte[MB];
      }
      System.gc();
      // the JVM reports a collection on a thread of its own, soon after
      await().atMost(Duration.ofSeconds(30)).until(() -> peak.bytes() >= 32L * MB);
      assertThat(peak.bytes()).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
      Reference.reachabilityFence(held);
    }
  }

  @Test
  void theSummaryWithMemoryNamesThePeakAndTheLimit() {
    CliRun r = CliRun.run("sim", "--peers", "4", "--messages", "2", "--json", "--memory");
    assertThat(r.code()).isZero();
    Matcher m =
        Pattern.compile("\"peakAfterGcBytes\":(\\d+),\"maxHeapBytes\":(\\d+)").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    assertThat(Long.parseLong(m.group(2))).isPositive();
    assertThat(Long.parseLong(m.group(1))).isLessThanOrEqualTo(Long.parseLong(m.group(2)));
  }
}
