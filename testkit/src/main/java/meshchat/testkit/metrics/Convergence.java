package meshchat.testkit.metrics;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.MessageId;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.DeliveryLog;
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
    // the messages that existed, numbered: each peer then marks them in a bit set as it first
    // shows them (a map of every delivery per peer, a million boxed times at 100 peers, was most
    // of the run's allocation after its last event)
    Map<MessageId, Integer> existing = new HashMap<>();
    for (History.Sent s : h.sent()) {
      if (s.timeMs() <= faultMs && s.authorStoreKept()) {
        existing.putIfAbsent(s.id(), existing.size());
      }
    }
    long latest = faultMs;
    Map<DeliveryLog.Messages, int[]> memos = new IdentityHashMap<>(); // see existingIndex
    BitSet shown = new BitSet(existing.size());
    for (PeerHistory p : h.peers()) {
      if (!p.alive() || p.segments().isEmpty()) {
        continue;
      }
      Segment last = p.segments().get(p.segments().size() - 1);
      shown.clear();
      int count = 0;
      for (MessageId id : last.restored()) {
        Integer n = existing.get(id);
        if (n != null && !shown.get(n)) {
          shown.set(n);
          count++;
          latest = Math.max(latest, last.startMs());
        }
      }
      List<Delivered> log = last.deliveries();
      int k = 0;
      for (Delivered d : log) {
        int n = existingIndex(existing, memos, log, k++, d);
        if (n >= 0 && !shown.get(n)) { // its first showing, as the display saw it
          shown.set(n);
          count++;
          latest = Math.max(latest, d.timeMs());
        }
      }
      if (count < existing.size()) {
        return -1;
      }
    }
    return latest - faultMs;
  }

  /**
   * The number {@code existing} gives delivery {@code k} of {@code log}, {@code d}, or -1: asked of
   * the map once per message instance of a {@link DeliveryLog} (whose numbers are per instance),
   * remembered in {@code memos} (per number: the answer + 2, or 0 if not asked yet), where a lookup
   * of every delivery's cold id cost 0.75 % of a 100-peer run (session 23).
   */
  private static int existingIndex(
      Map<MessageId, Integer> existing,
      Map<DeliveryLog.Messages, int[]> memos,
      List<Delivered> log,
      int k,
      Delivered d) {
    if (!(log instanceof DeliveryLog dl)) {
      Integer n = existing.get(d.id());
      return n == null ? -1 : n;
    }
    int number = dl.numberAt(k);
    int[] memo = memos.get(dl.numbers());
    if (memo == null || number >= memo.length) {
      memo =
          Arrays.copyOf(
              memo == null ? new int[0] : memo, Math.max(dl.numbers().size(), number + 1));
      memos.put(dl.numbers(), memo);
    }
    if (memo[number] == 0) {
      Integer n = existing.get(d.id());
      memo[number] = n == null ? 1 : n + 2;
    }
    return memo[number] - 2;
  }

  /** The time of the last fault, or -1 for a run without faults. */
  public static long lastFault(List<Long> faultTimes) {
    return faultTimes.stream().mapToLong(Long::longValue).max().orElse(-1);
  }
}
