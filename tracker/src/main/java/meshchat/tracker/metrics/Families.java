package meshchat.tracker.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The metric families of one scrape, built from values read at scrape time (nothing here counts).
 * Counter names are given without {@code _total}: the text format appends it. A name ending in
 * {@code _bytes} or {@code _seconds} gets that base unit.
 */
public final class Families {
  private final List<MetricSnapshot> out = new ArrayList<>();

  public Families counter(String name, String help, long value) {
    return counter(name, help, "", Map.of("", value));
  }

  /** One series per entry, labelled {@code label=key}; an empty label name means no label. */
  public Families counter(
      String name, String help, String label, Map<String, ? extends Number> values) {
    CounterSnapshot.Builder b = CounterSnapshot.builder();
    series(label, values, (l, v) -> b.dataPoint(counterPoint().labels(l).value(v).build()));
    return add(described(b, name, help).build());
  }

  public Families gauge(String name, String help, double value) {
    return gauge(name, help, "", Map.of("", value));
  }

  /** As {@link #counter(String, String, String, Map)}, for values that go up and down. */
  public Families gauge(
      String name, String help, String label, Map<String, ? extends Number> values) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder();
    series(label, values, (l, v) -> b.dataPoint(gaugePoint().labels(l).value(v).build()));
    return add(described(b, name, help).build());
  }

  /** A latency histogram; {@code name} ends in {@code _seconds}. */
  public Families histogram(String name, String help, LatencyHistogram.Snapshot s) {
    double[] bounds = new double[LatencyHistogram.BOUNDS.length + 1];
    System.arraycopy(LatencyHistogram.BOUNDS, 0, bounds, 0, LatencyHistogram.BOUNDS.length);
    bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
    HistogramSnapshot.Builder b = HistogramSnapshot.builder();
    b.dataPoint(
        HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.counts()))
            .sum(s.sumSeconds())
            .build());
    return add(described(b, name, help).build());
  }

  private Families add(MetricSnapshot family) {
    out.add(family);
    return this;
  }

  /**
   * What a scrape reads from a thread that owns it, or null if that thread does not answer within
   * {@code waitMs} (stopped or stuck): the scrape then serves what it has without blocking forever.
   */
  public static <T> T await(CompletableFuture<T> read, long waitMs) {
    try {
      return read.get(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null;
    }
  }

  public List<MetricSnapshot> list() {
    return out;
  }

  /** One series per entry, labelled {@code label=key}; an empty label name means no label. */
  private static void series(
      String label, Map<String, ? extends Number> values, BiConsumer<Labels, Double> point) {
    values.forEach(
        (k, v) ->
            point.accept(label.isEmpty() ? Labels.EMPTY : Labels.of(label, k), v.doubleValue()));
  }

  private static CounterDataPointSnapshot.Builder counterPoint() {
    return CounterDataPointSnapshot.builder();
  }

  private static GaugeDataPointSnapshot.Builder gaugePoint() {
    return GaugeDataPointSnapshot.builder();
  }

  /** Names a family; a name ending in {@code _bytes} or {@code _seconds} gets that base unit. */
  private static <B extends MetricSnapshot.Builder<?>> B described(B b, String name, String help) {
    b.name(name);
    b.help(help);
    if (name.endsWith("_bytes")) {
      b.unit(Unit.BYTES);
    } else if (name.endsWith("_seconds")) {
      b.unit(Unit.SECONDS);
    }
    return b;
  }
}
