package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChatMessage;
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

  /**
   * Watches the messages of {@code burst} (own, in seq order), dropping the oldest watched ones
   * past {@link #WATCHED}: only its latest {@link #WATCHED} are looked at, since the others would
   * leave the watch within the burst.
   */
  void sent(List<ChatMessage> burst) {
    for (int i = Math.max(0, burst.size() - WATCHED); i < burst.size(); i++) {
      sent(burst.get(i).seq());
    }
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
    // asked after every own message sent and every digest: nothing is made for a count that did
    // not change (one notice and one id per watched message were: 1.5 % of the throughput cell's
    // room threads, docs/benchmarks.md, session 23)
    List<RoomNotice.Seen> out = null;
    int linked = links.size();
    for (Map.Entry<Long, Seen> e : told.entrySet()) {
      long seq = e.getKey();
      int holders = holders(seq, links);
      Seen before = e.getValue();
      if (before == null || before.holders != holders || before.linked != linked) {
        e.setValue(new Seen(holders, linked));
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(new RoomNotice.Seen(new MessageId(self, seq), holders, linked));
      }
    }
    return out == null ? List.of() : out;
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
    return new RoomNotice.Seen(new MessageId(self, seq), holders(seq, links), links.size());
  }

  private static int holders(long seq, Collection<SeqSet> links) {
    int k = 0;
    for (SeqSet theirs : links) {
      if (theirs != null && theirs.contains(seq)) {
        k++;
      }
    }
    return k;
  }

  private record Seen(int holders, int linked) {}
}
