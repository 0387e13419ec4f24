package meshchat.testkit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.display.Json;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.testkit.SimCluster;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.Segment;
import meshchat.testkit.sim.SimRun;
import meshchat.testkit.sim.Specs;

/**
 * Writes the report: the template from the classpath with the run's data inlined as JSON. Every
 * chart is drawn by the inline script, which marks the page ({@code body[data-ok]}) when it is done
 * so a headless browser can tell that it ran without error.
 */
public final class HtmlReport {
  /** The space-time diagram draws this many peer lines at most; a larger run is sampled. */
  public static final int DIAGRAM_MAX_PEERS = 10;

  public static final int DIAGRAM_MAX_MESSAGES = 200;

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
    Aggregates agg = new Aggregates(r.history());
    data.put("latency", agg.latencyHistogram());
    data.put("heatmap", agg.heatmap());
    data.put("spread", agg.spread());
    List<Object> faults = new ArrayList<>();
    r.cluster().faults().forEach(f -> faults.add(List.of(f.timeMs(), f.what())));
    data.put("faults", faults);
    data.put("faultSpans", spans(r));
    // '<' only occurs inside JSON strings: escaped, no "</script>" in a text can end the script
    String json = Json.write(data).replace("<", "\\u003c");
    return template().replace("/*__DATA__*/null", json);
  }

  /**
   * The space-time diagram: every peer and message of a small run; of a larger one, a sample of
   * {@link #DIAGRAM_MAX_PEERS} evenly spaced peers and at most {@link #DIAGRAM_MAX_MESSAGES} of the
   * messages they sent, with the deliveries among them. Nobody can read 25 lines of 500 messages.
   */
  private static Object diagram(SimRun.Result r) {
    History h = r.history();
    int n = h.peers().size();
    boolean full = n <= DIAGRAM_MAX_PEERS && h.sent().size() <= DIAGRAM_MAX_MESSAGES;
    int[] rowOf = new int[n];
    Arrays.fill(rowOf, -1);
    List<String> names = new ArrayList<>();
    int rows = Math.min(n, DIAGRAM_MAX_PEERS);
    for (int k = 0; k < rows; k++) {
      int p = rows == 1 ? 0 : (int) Math.round(k * (n - 1) / (double) (rows - 1));
      rowOf[p] = k;
      names.add(h.peers().get(p).name());
    }
    Map<MessageId, List<Object>> shown = new HashMap<>();
    Map<MessageId, ChatMessage> contents = new HashMap<>();
    for (int p = 0; p < n; p++) {
      for (Segment s : h.peers().get(p).segments()) {
        for (Delivered d : s.deliveries()) {
          contents.putIfAbsent(d.id(), d.message());
          if (rowOf[p] >= 0) {
            int flags = (d.late() ? 1 : 0) | (d.catchUp() ? 2 : 0) | (d.incomplete() ? 4 : 0);
            shown
                .computeIfAbsent(d.id(), k -> new ArrayList<>())
                .add(List.of(rowOf[p], d.timeMs(), flags));
          }
        }
      }
    }
    List<History.Sent> bySampled = h.sent().stream().filter(s -> rowOf[s.author()] >= 0).toList();
    int every = Math.max(1, (bySampled.size() + DIAGRAM_MAX_MESSAGES - 1) / DIAGRAM_MAX_MESSAGES);
    History.Labels labels = h.labels();
    List<Object> messages = new ArrayList<>();
    for (int i = 0; i < bySampled.size(); i += every) {
      History.Sent s = bySampled.get(i);
      ChatMessage c = contents.get(s.id());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", labels.of(s.id()));
      m.put("a", rowOf[s.author()]);
      m.put("t", s.timeMs());
      m.put("l", c == null ? 0 : c.lamport());
      m.put("text", c == null ? "" : c.text());
      m.put("d", shown.getOrDefault(s.id(), List.of()));
      messages.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", full ? "full" : "sampled");
    out.put("totalPeers", n);
    out.put("totalMessages", h.sent().size());
    out.put("peers", names);
    out.put("messages", messages);
    List<Object> faults = new ArrayList<>();
    for (SimCluster.FaultMark f : r.cluster().faults()) {
      faults.add(List.of(f.timeMs(), f.what()));
    }
    out.put("faults", faults);
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
