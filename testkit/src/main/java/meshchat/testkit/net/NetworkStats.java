package meshchat.testkit.net;

import java.util.TreeMap;
import meshchat.peer.message.LinkMessage;

/** Counters of what crossed the simulated network, for the summary and for "quiet" detection. */
public final class NetworkStats {
  /** Messages put on links, by type (Hello counted twice per link setup). */
  public final TreeMap<String, Long> sentByType = new TreeMap<>();

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
    sentByType.merge(m.getClass().getSimpleName(), 1L, Long::sum);
  }

  void countHellos() {
    sent += 2;
    sentByType.merge("Hello", 2L, Long::sum);
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
