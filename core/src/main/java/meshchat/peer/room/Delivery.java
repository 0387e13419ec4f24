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
 */
public record Delivery(
    ChatMessage message, boolean late, MessageId after, boolean catchUp, boolean incomplete) {}
