package meshchat.peer.message;

import java.util.List;
import meshchat.peer.clock.LamportTimestamp;

/**
 * One chat message as authored: immutable, relayed unchanged.
 *
 * @param lamport the author's Lamport time at send
 * @param wallTimeMs the author's wall clock; shown to people, never used for order
 * @param deps what the author had delivered and no other dependency implies (causal order)
 */
public record ChatMessage(
    MessageId id, long lamport, long wallTimeMs, String nick, String text, List<MessageId> deps) {
  public ChatMessage {
    if (id == null || nick == null || text == null) {
      throw new IllegalArgumentException("id, nick and text are required");
    }
    if (lamport < 1) {
      throw new IllegalArgumentException("lamport must be >= 1: " + lamport);
    }
    deps = List.copyOf(deps);
  }

  public PeerId origin() {
    return id.origin();
  }

  public long seq() {
    return id.seq();
  }

  /** The key of the canonical total order: (lamport, origin). */
  public LamportTimestamp timestamp() {
    return new LamportTimestamp(lamport, id.origin());
  }
}
