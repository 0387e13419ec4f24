package meshchat.testkit.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.net.SimPeer;
import org.HdrHistogram.Histogram;

/**
 * Counts what a run did. Latency is measured from the author's send to each other peer's delivery,
 * in virtual milliseconds; a catch-up after a partition counts too, so p99 and max show fault
 * recovery, not only link delay.
 */
public final class RunMetrics implements SimPeer.Listener {
  /** One sample of the convergence timeline. */
  public record Sample(long timeMs, int live, int inSync, long maxHeld) {}

  private record SentAt(MessageId id, int author, long timeMs, int storeGeneration) {}

  // Sized for 2^20 ms (17 minutes) of latency from the start, growing past it as before: one that
  // starts at 2 ms grows at each new power of two, and a growth is an index out of its counts
  // array, which mid-run sent the compiled Room.admit and Room.show (recordValue is inlined into
  // them through the listener) back to the interpreter (a range_check trap, JFR
  // jdk.Deoptimization; docs/simulation.md, session 27). The same buckets either way (one
  // significant-digit setting, 1 ms units), so the same percentiles; 90 KB of counts.
  private final Histogram latency = newLatencyHistogram();

  static Histogram newLatencyHistogram() {
    Histogram h = new Histogram(1L << 20, 3);
    h.setAutoResize(true);
    return h;
  }

  private final SendTimes sendTimes = new SendTimes();
  private final List<SentAt> sent = new ArrayList<>();
  private final List<Sample> timeline = new ArrayList<>();
  private long deliveries;
  private long treeFromMs = -1;
  private long treeToMs = -1;
  private long treeDeliveries;

  public RunMetrics() {}

  @Override
  public void sent(SimPeer peer, ChatMessage m, long t) {
    sendTimes.put(m.origin(), m.seq(), t);
    sent.add(new SentAt(m.id(), peer.index(), t, peer.storeGeneration()));
  }

  @Override
  public void delivered(SimPeer peer, Delivered d) {
    deliveries++;
    if (!d.message().origin().equals(peer.id())) {
      long t = sendTimes.get(d.message().origin(), d.message().seq());
      if (t >= 0) {
        latency.recordValue(d.timeMs() - t);
        if (t >= treeFromMs && t < treeToMs && !d.catchUp()) {
          treeDeliveries++;
        }
      }
    }
  }

  /** Counts live (not anti-entropy) deliveries of the messages sent in [fromMs, toMs). */
  public void watchTree(long fromMs, long toMs) {
    treeFromMs = fromMs;
    treeToMs = toMs;
  }

  /**
   * After a crash for good: of the messages sent in the watched second, the share of (message, peer
   * alive at the end other than its author) pairs delivered live, through the tree, not by
   * anti-entropy; -1 if nothing was watched or sent. {@code alive} tells a peer's state by index.
   */
  public double treeShare(IntPredicate alive, int peers) {
    long pairs = treePairs(alive, peers);
    return pairs <= 0 ? -1 : (double) treeDeliveries / pairs;
  }

  /**
   * Of the (message, live peer) pairs {@link #treeShare} counts, how many were not delivered by the
   * tree (anti-entropy brought them); -1 if nothing was watched or sent.
   */
  public long treeMisses(IntPredicate alive, int peers) {
    long pairs = treePairs(alive, peers);
    return pairs <= 0 ? -1 : pairs - treeDeliveries;
  }

  /** The (message, live peer) pairs {@link #treeShare} counts; -1 if nothing was watched. */
  public long treePairs(IntPredicate alive, int peers) {
    if (treeFromMs < 0) {
      return -1;
    }
    int live = 0;
    for (int i = 0; i < peers; i++) {
      live += alive.test(i) ? 1 : 0;
    }
    long pairs = 0;
    for (SentAt s : sent) {
      if (s.timeMs >= treeFromMs && s.timeMs < treeToMs) {
        pairs += alive.test(s.author) ? live - 1 : live;
      }
    }
    return pairs;
  }

  public void sample(Sample s) {
    timeline.add(s);
  }

  /** The sent list for the checker, given each author's store generation at the end. */
  public List<History.Sent> sentFor(IntUnaryOperator storeGenerationOf) {
    List<History.Sent> out = new ArrayList<>(sent.size());
    for (SentAt s : sent) {
      boolean kept = storeGenerationOf.applyAsInt(s.author) == s.storeGeneration;
      out.add(new History.Sent(s.id, s.author, s.timeMs, kept));
    }
    return out;
  }

  public long chatMessages() {
    return sent.size();
  }

  public long deliveries() {
    return deliveries;
  }

  public Histogram latency() {
    return latency;
  }

  public List<Sample> timeline() {
    return timeline;
  }

  /**
   * The first sample at or after {@code fromMs} at which every live peer held the same number of
   * messages as the best-informed one, or -1 if none did.
   */
  public long firstInSyncAtOrAfter(long fromMs) {
    for (Sample s : timeline) {
      if (s.timeMs() >= fromMs && s.inSync() == s.live()) {
        return s.timeMs();
      }
    }
    return -1;
  }
}
