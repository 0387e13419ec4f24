package meshchat.peer.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * The messages of an outgoing history batch that its heads reach: a chained message is kept when a
 * head of its origin in the batch has a seq at or above it and every seq between the two is in the
 * batch too, so the receiver can hash down from the head to it (docs/protocol.md, "Hash chain").
 * Anything else would make the other end refuse the whole batch.
 *
 * <p>Per origin, the batch's seqs are sorted into runs of consecutive numbers, and each run is
 * reached up to the highest head inside it: sorting and binary search over primitive arrays, no
 * boxed seq per message (the sets of boxed seqs this replaced were the largest compile of a
 * catch-up and a share of the answering peer's thread, docs/benchmarks.md, session 14).
 */
final class BatchReach {
  private BatchReach() {}

  /** {@code messages} in order without those no head reaches; the same list if all are. */
  static List<ChatMessage> reached(List<ChatMessage> messages, List<ChainHead> heads) {
    Map<PeerId, Runs> origins = new HashMap<>();
    Runs last = null;
    for (ChatMessage m : messages) {
      if (m.isChained()) {
        last = runs(origins, last, m.origin(), true);
        last.add(m.seq());
      }
    }
    origins.values().forEach(Runs::seal);
    for (ChainHead h : heads) {
      Runs r = origins.get(h.origin());
      if (r != null) {
        r.reachFrom(h.seq());
      }
    }
    List<ChatMessage> kept = null;
    last = null;
    for (int k = 0; k < messages.size(); k++) {
      ChatMessage m = messages.get(k);
      boolean keep = false;
      if (m.isChained()) {
        last = runs(origins, last, m.origin(), false);
        keep = last.reached(m.seq());
      }
      if (!keep && kept == null) {
        kept = new ArrayList<>(messages.subList(0, k));
      } else if (keep && kept != null) {
        kept.add(m);
      }
    }
    return kept == null ? messages : kept;
  }

  // consecutive messages mostly share an origin: one map lookup per change of origin
  private static Runs runs(Map<PeerId, Runs> origins, Runs last, PeerId origin, boolean create) {
    if (last != null && last.origin.equals(origin)) {
      return last;
    }
    return create ? origins.computeIfAbsent(origin, Runs::new) : origins.get(origin);
  }

  /** One origin's seqs in the batch, sorted, with each run's highest head seq. */
  private static final class Runs {
    final PeerId origin;
    long[] seqs = new long[16];
    int n;
    int[] run; // run number of seqs[i]
    long[] reach; // per run: the highest head seq inside it, or -1

    Runs(PeerId origin) {
      this.origin = origin;
    }

    void add(long seq) {
      if (n == seqs.length) {
        seqs = Arrays.copyOf(seqs, n * 2);
      }
      seqs[n++] = seq;
    }

    void seal() {
      Arrays.sort(seqs, 0, n);
      int u = 0;
      for (int i = 0; i < n; i++) {
        if (u == 0 || seqs[i] != seqs[u - 1]) {
          seqs[u++] = seqs[i];
        }
      }
      n = u;
      run = new int[n];
      int runs = 0;
      for (int i = 0; i < n; i++) {
        if (i > 0 && seqs[i] != seqs[i - 1] + 1) {
          runs++;
        }
        run[i] = runs;
      }
      reach = new long[runs + 1];
      Arrays.fill(reach, -1);
    }

    void reachFrom(long headSeq) {
      int i = Arrays.binarySearch(seqs, 0, n, headSeq);
      if (i >= 0) {
        reach[run[i]] = Math.max(reach[run[i]], headSeq);
      }
    }

    boolean reached(long seq) {
      int i = Arrays.binarySearch(seqs, 0, n, seq);
      return i >= 0 && reach[run[i]] >= seq;
    }
  }
}
