package meshchat.peer.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * What is asked of some link right now, per origin: the ranges of every SyncRequest and dependency
 * fetch in flight, so that "what do we hold or already ask of this origin" reads that origin's
 * entries only. Scanning every link's requests for it made each held-back message cost time in
 * proportion to all fetches in flight: quadratic under a flood of messages with missing deps.
 */
final class AskedIndex {
  private final Map<PeerId, Map<Long, List<SeqRange>>> byOrigin = new HashMap<>();

  void add(long requestId, List<Want> wants) {
    for (Want w : wants) {
      byOrigin
          .computeIfAbsent(w.origin(), o -> new HashMap<>())
          .computeIfAbsent(requestId, r -> new ArrayList<>(1))
          .add(w.range());
    }
  }

  void remove(long requestId, List<Want> wants) {
    for (Want w : wants) {
      Map<Long, List<SeqRange>> asked = byOrigin.get(w.origin());
      if (asked != null && asked.remove(requestId) != null && asked.isEmpty()) {
        byOrigin.remove(w.origin());
      }
    }
  }

  /** Adds to {@code known} every range of {@code origin} in flight. */
  void addTo(SeqSet known, PeerId origin) {
    Map<Long, List<SeqRange>> asked = byOrigin.get(origin);
    if (asked != null) {
      asked.values().forEach(rs -> rs.forEach(r -> known.addRange(r.first(), r.last())));
    }
  }

  /** Whether seq {@code seq} of {@code origin} is asked of some link right now. */
  boolean contains(PeerId origin, long seq) {
    Map<Long, List<SeqRange>> asked = byOrigin.get(origin);
    if (asked != null) {
      for (List<SeqRange> rs : asked.values()) {
        for (SeqRange r : rs) {
          if (r.first() <= seq && seq <= r.last()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Origins with something in flight (for tests: empty once every request ended). */
  int originCount() {
    return byOrigin.size();
  }
}
