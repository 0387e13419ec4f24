package meshchat.testkit.check;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;

/**
 * One message as one peer showed it, in the order shown.
 *
 * @param timeMs virtual (or wall) milliseconds since the run began
 * @param late the core flagged it as sorting before something already shown
 * @param catchUp it came by anti-entropy
 * @param incomplete shown before its dependencies arrived (hold-back timeout): causality and FIFO
 *     exceptions it causes are counted, not reported as violations
 */
public record Delivered(
    long timeMs, ChatMessage message, boolean late, boolean catchUp, boolean incomplete) {
  public MessageId id() {
    return message.id();
  }
}
