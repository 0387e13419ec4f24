package meshchat.testkit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.display.Json;
import meshchat.peer.message.MessageId;
import meshchat.testkit.SimCluster;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;
import meshchat.testkit.metrics.RunMetrics;
import meshchat.testkit.sim.SimRun;
import meshchat.testkit.sim.Specs;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Writes the report: the template from the classpath with the run's data inlined as JSON. Every
 * chart is drawn by the inline script, which marks the page ({@code body[data-ok]}) when it is done
 * so a headless browser can tell that it ran without error.
 */
public final class HtmlReport {
  /** The space-time diagram is drawn only for runs this small; beyond it nobody can read it. */
  public static final int DIAGRAM_MAX_PEERS = 10;

  public static final int DIAGRAM_MAX_MESSAGES = 200;
  private static final int MAX_TIMELINE_POINTS = 1_500;
  private static final int LATENCY_BUCKETS = 50;

  private HtmlReport() {}

  public static void write(Path file, SimRun.Result r, Map<String, Object> summary) {
    try {
      Files.writeString(file, render(r, summary), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + file, e);
    }
  }

  public static String render(SimRun.Result r, Map<String, Object> summary) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("summary", summary);
    data.put("diagram", diagram(r));
    data.put("latency", latency(r.cluster().metrics().latency()));
    data.put("timeline", timeline(r.cluster().metrics().timeline()));
    List<Object> faults = new ArrayList<>();
    r.cluster().faults().forEach(f -> faults.add(List.of(f.timeMs(), f.what())));
    data.put("faults", faults);
    data.put("faultSpans", spans(r));
    // '<' only occurs inside JSON strings: escaped, no "</script>" in a text can end the script
    String json = Json.write(data).replace("<", "\\u003c");
    return template().replace("/*__DATA__*/null", json);
  }

  private static Object diagram(SimRun.Result r) {
    History h = r.history();
    if (h.peers().size() > DIAGRAM_MAX_PEERS || h.sent().size() > DIAGRAM_MAX_MESSAGES) {
      return null;
    }
    History.Labels labels = h.labels();
    Map<MessageId, List<Object>> shown = new HashMap<>();
    for (int p = 0; p < h.peers().size(); p++) {
      PeerHistory ph = h.peers().get(p);
      for (Segment s : ph.segments()) {
        for (Delivered d : s.deliveries()) {
          int flags = (d.late() ? 1 : 0) | (d.catchUp() ? 2 : 0) | (d.incomplete() ? 4 : 0);
          shown.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(List.of(p, d.timeMs(), flags));
        }
      }
    }
    Map<MessageId, meshchat.peer.message.ChatMessage> contents = new HashMap<>();
    h.peers()
        .forEach(
            p ->
                p.segments()
                    .forEach(
                        s ->
                            s.deliveries()
                                .forEach(d -> contents.putIfAbsent(d.id(), d.message()))));
    List<Object> messages = new ArrayList<>();
    for (History.Sent s : h.sent()) {
      Map<String, Object> m = new LinkedHashMap<>();
      var c = contents.get(s.id());
      m.put("id", labels.of(s.id()));
      m.put("a", s.author());
      m.put("t", s.timeMs());
      m.put("l", c == null ? 0 : c.lamport());
      m.put("text", c == null ? "" : c.text());
      m.put("d", shown.getOrDefault(s.id(), List.of()));
      messages.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("peers", h.peers().stream().map(PeerHistory::name).toList());
    out.put("messages", messages);
    List<Object> faults = new ArrayList<>();
    for (SimCluster.FaultMark f : r.cluster().faults()) {
      faults.add(List.of(f.timeMs(), f.what()));
    }
    out.put("faults", faults);
    return out;
  }

  private static List<Object> latency(Histogram h) {
    List<Object> out = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return out;
    }
    long width = Math.max(1, (h.getMaxValue() + LATENCY_BUCKETS) / LATENCY_BUCKETS);
    long from = 0;
    for (HistogramIterationValue v : h.linearBucketValues(width)) {
      long to = v.getValueIteratedTo();
      out.add(List.of(from, to, v.getCountAddedInThisIterationStep()));
      from = to + 1;
    }
    return out;
  }

  private static List<Object> timeline(List<RunMetrics.Sample> samples) {
    List<Object> out = new ArrayList<>();
    int step = Math.max(1, (samples.size() + MAX_TIMELINE_POINTS - 1) / MAX_TIMELINE_POINTS);
    for (int i = 0; i < samples.size(); i += step) {
      RunMetrics.Sample s = samples.get(i);
      out.add(List.of(s.timeMs(), s.live(), s.inSync(), s.maxHeld()));
    }
    return out;
  }

  private static List<Object> spans(SimRun.Result r) {
    List<Object> out = new ArrayList<>();
    for (Specs.PartitionSpec p : r.plan().partitions()) {
      out.add(List.of(p.window().fromMs(), p.window().toMs(), "partition " + p.groups()));
    }
    for (Specs.CrashSpec c : r.plan().crashes()) {
      out.add(
          List.of(
              c.window().fromMs(),
              c.window().toMs(),
              "p" + c.peer() + " down" + (c.wipe() ? " (store wiped)" : "")));
    }
    for (Specs.Window w : r.plan().trackerOutages()) {
      out.add(List.of(w.fromMs(), w.toMs(), "tracker down"));
    }
    return out;
  }

  private static String template() {
    try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
      if (in == null) {
        throw new IllegalStateException("report.html is missing from the testkit jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
