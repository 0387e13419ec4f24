package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;

/**
 * "Seen by k of n" for this peer's latest messages, as Signal's ticks: k of the n peers linked now
 * hold the message, as their digests show. The digests arrive anyway, so this costs no frame. A
 * change of k or n is told once, as a {@link RoomNotice.Seen}; a peer that leaves drops out of
 * both.
 */
final class SeenBy {
  /** Own messages watched: the latest ones. Older ones stop being reported, never held longer. */
  static final int WATCHED = 16;

  private final PeerId self;

  /** Watched seq to the last (k, n) told, oldest first. */
  private final Map<Long, Seen> told = new LinkedHashMap<>();

  SeenBy(PeerId self) {
    this.self = self;
  }

  /** Watches own message {@code seq}, dropping the oldest watched one past {@link #WATCHED}. */
  void sent(long seq) {
    told.put(seq, null);
    if (told.size() > WATCHED) {
      Iterator<Long> oldest = told.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * The watched messages whose (k, n) changed since last told, now told. {@code links} holds, per
   * up link, what its digests say it holds of our origin (null: nothing).
   */
  List<RoomNotice.Seen> changes(Collection<SeqSet> links) {
    List<RoomNotice.Seen> out = new ArrayList<>();
    for (Map.Entry<Long, Seen> e : told.entrySet()) {
      RoomNotice.Seen now = count(e.getKey(), links);
      Seen before = e.getValue();
      if (before == null || before.holders != now.holders() || before.linked != now.linked()) {
        e.setValue(new Seen(now.holders(), now.linked()));
        out.add(now);
      }
    }
    return out;
  }

  /** Every watched message's count now, oldest first (for /status). */
  List<RoomNotice.Seen> all(Collection<SeqSet> links) {
    List<RoomNotice.Seen> out = new ArrayList<>(told.size());
    for (long seq : told.keySet()) {
      out.add(count(seq, links));
    }
    return out;
  }

  private RoomNotice.Seen count(long seq, Collection<SeqSet> links) {
    int k = 0;
    for (SeqSet theirs : links) {
      if (theirs != null && theirs.contains(seq)) {
        k++;
      }
    }
    return new RoomNotice.Seen(new MessageId(self, seq), k, links.size());
  }

  private record Seen(int holders, int linked) {}
}
