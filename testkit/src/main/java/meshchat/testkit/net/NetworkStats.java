package meshchat.testkit.net;

import java.util.IdentityHashMap;
import java.util.TreeMap;
import meshchat.peer.message.LinkMessage;

/** Counters of what crossed the simulated network, for the summary and for "quiet" detection. */
public final class NetworkStats {
  // by class, not by name: one identity lookup per message
  // (docs/decisions/0004-network-stats-by-class.md)
  private final IdentityHashMap<Class<?>, long[]> byClass = new IdentityHashMap<>();
  private long hellos;

  public long sent;
  public long lost;
  public long duplicated;
  public long reordered;
  public long resets;
  public long dials;
  public long linkDowns;
  private long payloadInFlight; // Chat, SyncRequest, SyncBatch: work that is not yet done

  void count(LinkMessage m) {
    sent++;
    byClass.computeIfAbsent(m.getClass(), c -> new long[1])[0]++;
  }

  void countHellos() {
    sent += 2;
    hellos += 2;
  }

  /** Messages put on links, by type (Hello counted twice per link setup). */
  public TreeMap<String, Long> sentByType() {
    TreeMap<String, Long> out = new TreeMap<>();
    byClass.forEach((c, n) -> out.merge(c.getSimpleName(), n[0], Long::sum));
    if (hellos > 0) {
      out.merge("Hello", hellos, Long::sum);
    }
    return out;
  }

  void inFlight(LinkMessage m, int delta) {
    if (m instanceof LinkMessage.Chat
        || m instanceof LinkMessage.SyncRequest
        || m instanceof LinkMessage.SyncBatch) {
      payloadInFlight += delta;
    }
  }

  /** Messages that carry or ask for history and have not arrived (or been dropped on arrival). */
  public long payloadInFlight() {
    return payloadInFlight;
  }
}
