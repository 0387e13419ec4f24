package meshchat.testkit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The run's latency histogram: sized up front, with the percentiles of one that grew. */
class LatencyHistogramTest {
  @Test
  void givesTheSamePercentilesAsAHistogramThatGrowsAndDoesNotGrowBelow17Minutes() {
    SplittableRandom random = new SplittableRandom(27);
    Histogram sized = RunMetrics.newLatencyHistogram();
    Histogram grown = new Histogram(3); // what the run used before: 2 ms to start, then growing
    long footprint = sized.getEstimatedFootprintInBytes();
    for (int n = 0; n < 200_000; n++) {
      // mostly a link delay or a few, some seconds (a partition's heal), up to just below 2^20
      long v =
          switch (n % 4) {
            case 0 -> random.nextLong(0, 100);
            case 1 -> random.nextLong(0, 5_000);
            case 2 -> random.nextLong(0, 60_000);
            default -> random.nextLong(0, 1L << 20);
          };
      sized.recordValue(v);
      grown.recordValue(v);
    }
    assertThat(sized.getEstimatedFootprintInBytes()).isEqualTo(footprint); // never grew
    assertSame(sized, grown);
    // past its size it grows, as the other does
    sized.recordValue(1L << 30);
    grown.recordValue(1L << 30);
    assertSame(sized, grown);
  }

  private static void assertSame(Histogram a, Histogram b) {
    assertThat(a.getTotalCount()).isEqualTo(b.getTotalCount());
    assertThat(a.getMaxValue()).isEqualTo(b.getMaxValue());
    for (double p = 0; p <= 100; p += 0.5) {
      assertThat(a.getValueAtPercentile(p)).as("p%s", p).isEqualTo(b.getValueAtPercentile(p));
    }
  }
}
