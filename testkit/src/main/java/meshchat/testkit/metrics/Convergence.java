package meshchat.testkit.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.MessageId;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;

/**
 * Time to converge after a fault: how long until every live peer has shown every message that
 * existed (was sent, and survives) at the moment of the fault. Computed after the run from the
 * delivery logs, so it is exact rather than sampled.
 */
public final class Convergence {
  private Convergence() {}

  /** Milliseconds from {@code faultMs} until all live peers caught up; -1 if some never did. */
  public static long after(History h, long faultMs) {
    Set<MessageId> existing = new HashSet<>();
    for (History.Sent s : h.sent()) {
      if (s.timeMs() <= faultMs && s.authorStoreKept()) {
        existing.add(s.id());
      }
    }
    long latest = faultMs;
    for (PeerHistory p : h.peers()) {
      if (!p.alive() || p.segments().isEmpty()) {
        continue;
      }
      Segment last = p.segments().get(p.segments().size() - 1);
      Map<MessageId, Long> shownAt = new HashMap<>();
      last.restored().forEach(id -> shownAt.put(id, last.startMs()));
      for (Delivered d : last.deliveries()) {
        shownAt.putIfAbsent(d.id(), d.timeMs());
      }
      for (MessageId id : existing) {
        Long t = shownAt.get(id);
        if (t == null) {
          return -1;
        }
        latest = Math.max(latest, t);
      }
    }
    return latest - faultMs;
  }

  /** The time of the last fault, or -1 for a run without faults. */
  public static long lastFault(List<Long> faultTimes) {
    return faultTimes.stream().mapToLong(Long::longValue).max().orElse(-1);
  }
}
