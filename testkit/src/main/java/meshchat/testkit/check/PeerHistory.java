package meshchat.testkit.check;

import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * Everything one peer did that the invariants talk about.
 *
 * @param alive running at the end of the run (only live peers must converge)
 * @param segments one per store lifetime, oldest first
 * @param finalStore the store's contents at the end, in the store's canonical order; empty for a
 *     peer whose store was wiped and not restarted
 * @param forkNotices how many times the core reported two messages with one id
 * @param equivocators authors the peer holds proof of equivocation against, each with the seq from
 *     which their history is disputed
 */
public record PeerHistory(
    String name,
    PeerId id,
    boolean alive,
    List<Segment> segments,
    List<ChatMessage> finalStore,
    long forkNotices,
    Map<PeerId, Long> equivocators) {
  public PeerHistory {
    equivocators = Map.copyOf(equivocators);
  }

  /** A peer that knows of no equivocation. */
  public PeerHistory(
      String name,
      PeerId id,
      boolean alive,
      List<Segment> segments,
      List<ChatMessage> finalStore,
      long forkNotices) {
    this(name, id, alive, segments, finalStore, forkNotices, Map.of());
  }
}
