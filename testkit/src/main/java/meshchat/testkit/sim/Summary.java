package meshchat.testkit.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import meshchat.fixture.net.NetworkStats;
import meshchat.testkit.check.CheckReport;
import meshchat.testkit.check.History;
import meshchat.testkit.check.Invariant;
import meshchat.testkit.check.Violation;
import meshchat.testkit.metrics.Convergence;
import meshchat.testkit.metrics.RunMetrics;
import org.HdrHistogram.Histogram;

/**
 * The one-screen summary of a run, as an ordered model printed either as text or as one JSON
 * object. Deterministic: it holds nothing that depends on the machine (wall time goes to stderr).
 */
public final class Summary {
  private static final int MAX_VIOLATIONS = 12;

  private Summary() {}

  public static Map<String, Object> model(SimRun.Result r, String replay) {
    RunMetrics m = r.cluster().metrics();
    NetworkStats net = r.cluster().network().stats();
    CheckReport check = r.check();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", check.ok() && r.quiet());
    out.put("seed", r.plan().config().seed());
    out.put("peers", r.plan().peers());
    Map<String, Object> inv = new LinkedHashMap<>();
    check.countByInvariant().forEach((i, n) -> inv.put(i.key(), n == 0 ? "held" : "violated"));
    out.put("invariants", inv);
    List<String> vs = new ArrayList<>();
    for (Violation v :
        check.violations().subList(0, Math.min(MAX_VIOLATIONS, check.violations().size()))) {
      vs.add(v.toString());
    }
    out.put("violations", check.violations().size());
    out.put("firstViolations", vs);
    out.put("quiet", r.quiet());
    out.put("messages", m.chatMessages());
    out.put("deliveries", m.deliveries());
    out.put("incompleteDeliveries", check.incomplete());
    out.put("lostWithWipedStore", check.lostWithWipedStore());
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("linkMessages", net.sent);
    n.put("perChatMessage", m.chatMessages() == 0 ? 0.0 : (double) net.sent / m.chatMessages());
    n.put("byType", new LinkedHashMap<>(net.sentByType()));
    Map<String, Long> bytes = net.bytesByType();
    n.put("bytesByType", new LinkedHashMap<>(bytes));
    long payload = bytes.getOrDefault("Chat", 0L) + bytes.getOrDefault("SyncBatch", 0L);
    n.put(
        "lazyShareOfPayloadBytes",
        payload == 0 ? 0.0 : (double) bytes.getOrDefault("IHave", 0L) / payload);
    n.put("lost", net.lost);
    n.put("duplicated", net.duplicated);
    n.put("reordered", net.reordered);
    n.put("linkResets", net.resets);
    out.put("network", n);
    out.put("links", links(r));
    int size = r.cluster().size();
    double tree = m.treeShare(i -> r.cluster().peer(i).alive(), size);
    if (tree >= 0) {
      out.put("treeShareAfterCrash", tree);
      out.put("treePairsAfterCrash", m.treePairs(i -> r.cluster().peer(i).alive(), size));
      out.put("treeMissesAfterCrash", m.treeMisses(i -> r.cluster().peer(i).alive(), size));
    }
    Histogram h = m.latency();
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50));
    lat.put("p99", h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99));
    lat.put("max", h.getMaxValue());
    out.put("latencyMs", lat);
    out.put("virtualMs", r.cluster().now());
    out.put("lastFaultMs", r.lastFaultMs() < 0 ? null : r.lastFaultMs());
    out.put("convergeAfterLastFaultMs", r.convergeMs() < 0 ? null : r.convergeMs());
    long lastSend = r.history().sent().stream().mapToLong(History.Sent::timeMs).max().orElse(-1);
    long afterSend = lastSend < 0 ? -1 : Convergence.after(r.history(), lastSend);
    out.put("lastSendMs", lastSend < 0 ? null : lastSend);
    out.put("convergeAfterLastSendMs", afterSend < 0 ? null : afterSend);
    out.put(
        "scheduledFaults",
        r.plan().partitions().size()
            + r.plan().crashes().size()
            + r.plan().trackerOutages().size());
    out.put("events", r.cluster().executed());
    out.put("replay", replay);
    return out;
  }

  /** The link cap and what peers held: at most the cap at any moment, and now. */
  private static Map<String, Object> links(SimRun.Result r) {
    int cap = r.plan().config().membership().maxLinks();
    int maxHeld = 0;
    long now = 0;
    int live = 0;
    for (int i = 0; i < r.cluster().size(); i++) {
      var p = r.cluster().peer(i);
      maxHeld = Math.max(maxHeld, p.maxLinksHeld());
      if (p.alive()) {
        live++;
        now += p.membership().linkCount();
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cap", cap);
    out.put("maxHeld", maxHeld);
    out.put("meanNow", live == 0 ? 0.0 : (double) now / live);
    return out;
  }

  @SuppressWarnings("unchecked")
  public static String text(Map<String, Object> s) {
    StringBuilder b = new StringBuilder();
    boolean ok = (Boolean) s.get("ok");
    line(
        b,
        "meshchat sim",
        "seed "
            + s.get("seed")
            + ", "
            + s.get("peers")
            + " peers, "
            + ms(s.get("virtualMs"))
            + " of virtual time, "
            + s.get("events")
            + " events");
    Map<String, Object> inv = (Map<String, Object>) s.get("invariants");
    for (Invariant i : Invariant.values()) {
      String state = (String) inv.get(i.key());
      line(b, "  " + i.key(), (state.equals("held") ? "held      " : "VIOLATED  ") + i.meaning());
    }
    for (String v : (List<String>) s.get("firstViolations")) {
      b.append("    ! ").append(v).append('\n');
    }
    int total = (Integer) s.get("violations");
    if (total > MAX_VIOLATIONS) {
      b.append("    ... and ").append(total - MAX_VIOLATIONS).append(" more\n");
    }
    if (!(Boolean) s.get("quiet")) {
      b.append("    ! the run did not get quiet before its time limit\n");
    }
    line(
        b,
        "messages",
        s.get("messages")
            + " sent, "
            + s.get("deliveries")
            + " deliveries ("
            + s.get("incompleteDeliveries")
            + " shown incomplete, "
            + s.get("lostWithWipedStore")
            + " lost with a wiped store)");
    Map<String, Object> n = (Map<String, Object>) s.get("network");
    line(
        b,
        "network",
        n.get("linkMessages")
            + " link messages, "
            + String.format(Locale.ROOT, "%.2f", (Double) n.get("perChatMessage"))
            + " per chat message");
    line(b, "", "by type " + n.get("byType"));
    line(
        b,
        "",
        "bytes by type "
            + n.get("bytesByType")
            + String.format(
                Locale.ROOT,
                ", IHave %.1f%% of Chat and SyncBatch bytes",
                100 * (Double) n.get("lazyShareOfPayloadBytes")));
    line(
        b,
        "",
        "lost "
            + n.get("lost")
            + ", duplicated "
            + n.get("duplicated")
            + ", reordered "
            + n.get("reordered")
            + ", link resets "
            + n.get("linkResets"));
    Map<String, Object> links = (Map<String, Object>) s.get("links");
    line(
        b,
        "links",
        "cap "
            + links.get("cap")
            + ", most held at once "
            + links.get("maxHeld")
            + ", mean at the end "
            + String.format(Locale.ROOT, "%.1f", (Double) links.get("meanNow")));
    Map<String, Object> lat = (Map<String, Object>) s.get("latencyMs");
    line(
        b,
        "latency",
        "p50 "
            + lat.get("p50")
            + " ms, p99 "
            + lat.get("p99")
            + " ms, max "
            + lat.get("max")
            + " ms (virtual, send to each other peer's delivery)");
    line(b, "converged", converged(s, n));
    if (!ok) {
      b.append("FAILED. Replay with: ").append(s.get("replay")).append('\n');
    }
    return b.toString();
  }

  /**
   * When every live peer had shown every message: after the last scheduled fault if there was one,
   * else after the last send. Lost, duplicated or reordered link messages are faults too, so a
   * lossy run never reads "no faults".
   */
  private static String converged(Map<String, Object> s, Map<String, Object> n) {
    Object fault = s.get("lastFaultMs");
    Object conv = s.get("convergeAfterLastFaultMs");
    if (fault != null) {
      return conv == null
          ? "NOT converged after the last fault at " + ms(fault)
          : conv + " ms after the last fault (at " + ms(fault) + ")";
    }
    long linkFaults =
        ((Number) n.get("lost")).longValue()
            + ((Number) n.get("duplicated")).longValue()
            + ((Number) n.get("reordered")).longValue();
    Object send = s.get("lastSendMs");
    Object afterSend = s.get("convergeAfterLastSendMs");
    String when =
        send == null
            ? "nothing was sent"
            : afterSend == null
                ? "NOT converged after the last send at " + ms(send)
                : afterSend + " ms after the last send (at " + ms(send) + ")";
    return when + (linkFaults == 0 ? ", no faults" : ", through " + linkFaults + " link faults");
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(String.format(Locale.ROOT, "%-14s %s%n", key, value).stripTrailing()).append('\n');
  }

  private static String ms(Object v) {
    return String.format(Locale.ROOT, "%.1f s", ((Number) v).longValue() / 1000.0);
  }
}
