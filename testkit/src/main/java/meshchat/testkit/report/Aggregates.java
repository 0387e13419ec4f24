package meshchat.testkit.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.MessageId;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;

/**
 * The report's views that work at any size, computed from the delivery logs after the run: a
 * latency-over-time heatmap, a log-binned latency histogram and the cumulative spread of messages.
 * Every view is a fixed number of bins, so a 1,000-peer run makes a page as small as a 5-peer one.
 */
final class Aggregates {
  /** Latency bins per decade, from 1 ms up: fine enough to tell 20 ms from 30 ms. */
  static final int BINS_PER_DECADE = 8;

  private static final int HEATMAP_COLUMNS = 80;
  private static final int SPREAD_POINTS = 400;

  private final Map<MessageId, Long> sentAt = new HashMap<>();
  private final Map<MessageId, Integer> authorOf = new HashMap<>();
  private final List<long[]> deliveries = new ArrayList<>(); // {timeMs, latencyMs}
  private final Map<MessageId, Long> lastShown = new HashMap<>();
  private final long startMs;
  private final long endMs;

  Aggregates(History h) {
    long start = Long.MAX_VALUE;
    long end = 0;
    for (History.Sent s : h.sent()) {
      sentAt.put(s.id(), s.timeMs());
      authorOf.put(s.id(), s.author());
      start = Math.min(start, s.timeMs());
      end = Math.max(end, s.timeMs());
    }
    for (int p = 0; p < h.peers().size(); p++) {
      PeerHistory ph = h.peers().get(p);
      for (Segment seg : ph.segments()) {
        for (Delivered d : seg.deliveries()) {
          Long sent = sentAt.get(d.id());
          if (sent == null || authorOf.get(d.id()) == p) {
            continue;
          }
          deliveries.add(new long[] {d.timeMs(), Math.max(0, d.timeMs() - sent)});
          lastShown.merge(d.id(), d.timeMs(), Math::max);
          end = Math.max(end, d.timeMs());
        }
      }
    }
    this.startMs = start == Long.MAX_VALUE ? 0 : start;
    this.endMs = Math.max(end, startMs + 1);
  }

  /** The latency bin of {@code ms}: 0 for under 1 ms, then {@link #BINS_PER_DECADE} per decade. */
  static int bin(long ms) {
    return ms < 1 ? 0 : 1 + (int) Math.floor(Math.log10(ms) * BINS_PER_DECADE + 1e-9);
  }

  /** The lower edge of latency bin {@code b}, in ms. */
  static double edge(int b) {
    return b == 0 ? 0 : Math.pow(10, (b - 1) / (double) BINS_PER_DECADE);
  }

  /** Deliveries per log-latency bin: {@code [[fromMs, toMs, count], ...]} over the used range. */
  List<Object> latencyHistogram() {
    if (deliveries.isEmpty()) {
      return List.of();
    }
    long[] counts = new long[maxBin() + 1];
    for (long[] d : deliveries) {
      counts[bin(d[1])]++;
    }
    int first = 0;
    while (counts[first] == 0) {
      first++;
    }
    List<Object> out = new ArrayList<>();
    for (int b = first; b < counts.length; b++) {
      out.add(List.of(edge(b), edge(b + 1), counts[b]));
    }
    return out;
  }

  /**
   * Deliveries by time (columns) and log latency (rows): where time goes right and a fault shows as
   * a plume of slow deliveries after it, at any number of peers.
   */
  Map<String, Object> heatmap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("t0", startMs);
    out.put("t1", endMs);
    out.put("columns", HEATMAP_COLUMNS);
    out.put("binsPerDecade", BINS_PER_DECADE);
    int first = deliveries.isEmpty() ? 0 : minBin();
    int rows = deliveries.isEmpty() ? 1 : maxBin() + 1 - first;
    out.put("firstBin", first);
    List<Object> edges = new ArrayList<>();
    for (int b = first; b <= first + rows; b++) {
      edges.add(edge(b));
    }
    out.put("rowEdgesMs", edges);
    Map<Long, long[]> cells = new HashMap<>(); // col * rows + row -> {count}
    for (long[] d : deliveries) {
      long col = column(d[0]);
      cells.computeIfAbsent(col * rows + bin(d[1]) - first, k -> new long[1])[0]++;
    }
    List<Object> list = new ArrayList<>();
    long max = 0;
    for (long key = 0; key < (long) HEATMAP_COLUMNS * rows; key++) {
      long[] c = cells.get(key);
      if (c != null) {
        list.add(List.of(key / rows, key % rows, c[0]));
        max = Math.max(max, c[0]);
      }
    }
    out.put("cells", list);
    out.put("max", max);
    return out;
  }

  /**
   * The spread of messages over time, as shares of the whole run: sent so far, deliveries so far,
   * and messages already shown by every peer that ever showed them. The gap between the first and
   * the last is how far the room lags behind its authors; all three are monotone and exact.
   */
  List<Object> spread() {
    long[] sent = new long[SPREAD_POINTS + 1];
    long[] delivered = new long[SPREAD_POINTS + 1];
    long[] everywhere = new long[SPREAD_POINTS + 1];
    sentAt.values().forEach(t -> sent[point(t)]++);
    deliveries.forEach(d -> delivered[point(d[0])]++);
    lastShown.values().forEach(t -> everywhere[point(t)]++);
    List<Object> out = new ArrayList<>();
    long s = 0;
    long d = 0;
    long e = 0;
    double totalSent = Math.max(1, sentAt.size());
    double totalDelivered = Math.max(1, deliveries.size());
    for (int i = 0; i <= SPREAD_POINTS; i++) {
      s += sent[i];
      d += delivered[i];
      e += everywhere[i];
      long t = startMs + (endMs - startMs) * i / SPREAD_POINTS;
      out.add(List.of(t, s / totalSent, d / totalDelivered, e / totalSent));
    }
    return out;
  }

  private int minBin() {
    long min = Long.MAX_VALUE;
    for (long[] d : deliveries) {
      min = Math.min(min, d[1]);
    }
    return bin(min);
  }

  private int maxBin() {
    long max = 0;
    for (long[] d : deliveries) {
      max = Math.max(max, d[1]);
    }
    return bin(max);
  }

  private long column(long t) {
    return Math.min(HEATMAP_COLUMNS - 1, (t - startMs) * HEATMAP_COLUMNS / (endMs - startMs));
  }

  private int point(long t) {
    long p = (Math.max(t, startMs) - startMs) * SPREAD_POINTS / (endMs - startMs);
    return (int) Math.min(SPREAD_POINTS, p);
  }
}
