package meshchat.tracker.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-bucket latency histogram that any thread may record into without a lock, read at scrape
 * time. The buckets (100 µs to 10 s, roughly x2.5 apart) cover a request answered from memory as
 * well as an SQLite commit on a slow disk; Prometheus turns them into quantiles with {@code
 * histogram_quantile}, which (unlike a summary's quantiles) can be summed over many peers.
 */
public final class LatencyHistogram {
  /** Upper bounds in seconds, ascending; the last bucket (+Inf) is implicit. */
  public static final double[] BOUNDS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

  static {
    for (int i = 0; i < BOUNDS.length; i++) {
      BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
    }
  }

  /** Counts per bucket, not cumulative; index BOUNDS.length is +Inf. */
  private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);

  private final AtomicLong sumNanos = new AtomicLong();

  /** Records one duration; a negative one (a clock step) counts as zero. */
  public void record(long nanos) {
    long n = Math.max(0, nanos);
    int i = 0;
    while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
      i++;
    }
    counts.incrementAndGet(i);
    sumNanos.addAndGet(n);
  }

  /** A consistent-enough copy for one scrape (each bucket is read once). */
  public Snapshot snapshot() {
    long[] c = new long[counts.length()];
    long total = 0;
    for (int i = 0; i < c.length; i++) {
      c[i] = counts.get(i);
      total += c[i];
    }
    return new Snapshot(c, total, sumNanos.get() / 1e9);
  }

  /**
   * @param counts per bucket, not cumulative, the last one +Inf
   * @param sumSeconds the sum of every recorded duration
   */
  public record Snapshot(long[] counts, long count, double sumSeconds) {}
}
