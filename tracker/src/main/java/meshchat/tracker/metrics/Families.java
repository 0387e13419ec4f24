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
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    unit(name, b);
    values.forEach(
        (k, v) ->
            b.dataPoint(
                CounterDataPointSnapshot.builder()
                    .labels(labels(label, k))
                    .value(v.doubleValue())
                    .build()));
    out.add(b.build());
    return this;
  }

  public Families gauge(String name, String help, double value) {
    return gauge(name, help, "", Map.of("", value));
  }

  public Families gauge(
      String name, String help, String label, Map<String, ? extends Number> values) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    unit(name, b);
    values.forEach(
        (k, v) ->
            b.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(labels(label, k))
                    .value(v.doubleValue())
                    .build()));
    out.add(b.build());
    return this;
  }

  /** A latency histogram; {@code name} ends in {@code _seconds}. */
  public Families histogram(String name, String help, LatencyHistogram.Snapshot s) {
    double[] bounds = new double[LatencyHistogram.BOUNDS.length + 1];
    System.arraycopy(LatencyHistogram.BOUNDS, 0, bounds, 0, LatencyHistogram.BOUNDS.length);
    bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
    HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
    unit(name, b);
    b.dataPoint(
        HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.counts()))
            .sum(s.sumSeconds())
            .build());
    out.add(b.build());
    return this;
  }

  public List<MetricSnapshot> list() {
    return out;
  }

  private static Labels labels(String label, String value) {
    return label.isEmpty() ? Labels.EMPTY : Labels.of(label, value);
  }

  private static void unit(String name, MetricSnapshot.Builder<?> b) {
    if (name.endsWith("_bytes")) {
      b.unit(Unit.BYTES);
    } else if (name.endsWith("_seconds")) {
      b.unit(Unit.SECONDS);
    }
  }
}
