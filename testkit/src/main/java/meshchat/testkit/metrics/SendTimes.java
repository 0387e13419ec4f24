package meshchat.testkit.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * When each message was sent (virtual ms), by author and seq. A delivery (a million in a 100 x 100
 * run) looks its author up in a map of the few authors, then reads an array; a map of every message
 * id (cold: a probe and three objects deep per delivery) was 2.5% of that run's samples. A seq
 * outside {@code 0..MAX_DENSE_SEQ} (no simulated author gets there) goes to a map of ids. A message
 * sent again (an author whose store was wiped starts over) keeps the later time, as the map of ids
 * did.
 */
final class SendTimes {
  static final long MAX_DENSE_SEQ = 1 << 20;
  private final Map<PeerId, long[]> byAuthor = new HashMap<>(); // -1: not sent
  private final Map<MessageId, Long> far = new HashMap<>();

  /** Seq {@code seq} of {@code origin} was sent at {@code t} (never negative). */
  void put(PeerId origin, long seq, long t) {
    if (seq < 0 || seq > MAX_DENSE_SEQ) {
      far.put(new MessageId(origin, seq), t);
      return;
    }
    long[] times = byAuthor.get(origin);
    if (times == null || seq >= times.length) {
      int n = times == null ? 8 : times.length;
      while (n <= seq) {
        n *= 2;
      }
      long[] grown = new long[n];
      Arrays.fill(grown, -1);
      if (times != null) {
        System.arraycopy(times, 0, grown, 0, times.length);
      }
      byAuthor.put(origin, times = grown);
    }
    times[(int) seq] = t;
  }

  /** When seq {@code seq} of {@code origin} was last sent, or -1 if it was not. */
  long get(PeerId origin, long seq) {
    if (seq < 0 || seq > MAX_DENSE_SEQ) {
      Long t = far.get(new MessageId(origin, seq));
      return t == null ? -1 : t;
    }
    long[] times = byAuthor.get(origin);
    return times == null || seq >= times.length ? -1 : times[(int) seq];
  }
}
