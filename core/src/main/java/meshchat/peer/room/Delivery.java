package meshchat.peer.room;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;

/**
 * A message handed to the display, exactly once per peer.
 *
 * @param late it sorts before a message already shown; {@code after} says where it belongs
 * @param after the message it follows in canonical order, or null if it is the first
 * @param catchUp it arrived by anti-entropy (history), not live
 * @param incomplete shown before all its dependencies arrived (hold-back timeout)
 * @param disputed its author is proven to have signed two histories from this seq or below: shown
 *     marked, never forwarded (docs/security.md, "Equivocation")
 * @param early shown before its head, as read on its author's own link: not stored yet
 *     (docs/security.md, "Lines shown before their head"); a store that outlives the process hands
 *     a burst's deliveries over after its commit, so a listener cannot tell this from a counter
 *     read as it gets them (the latency bench did, docs/benchmarks.md, session 32)
 */
public record Delivery(
    ChatMessage message,
    boolean late,
    MessageId after,
    boolean catchUp,
    boolean incomplete,
    boolean disputed,
    boolean early) {
  public Delivery(
      ChatMessage message, boolean late, MessageId after, boolean catchUp, boolean incomplete) {
    this(message, late, after, catchUp, incomplete, false, false);
  }
}
