package meshchat.peer.frame;

import io.netty.handler.codec.DecoderException;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.CloseReason;

/**
 * A frame that decoded as Protobuf but cannot become a {@code LinkMessage}: an unset or unknown
 * envelope ({@link CloseReason#PROTOCOL_ERROR}) or bad content such as an empty peer id or a seq of
 * 0 ({@link CloseReason#INVALID_MESSAGE}). The link answers with Close({@link #reason()}).
 */
public final class LinkFrameException extends DecoderException {
  private static final long serialVersionUID = 1L;
  private final CloseReason reason;
  private final Counter counter;

  public LinkFrameException(CloseReason reason, String message) {
    this(reason, message, null);
  }

  /** As above, counted as {@code counter} rather than as a bad frame. */
  public LinkFrameException(CloseReason reason, String message, Counter counter) {
    super(message);
    this.reason = reason;
    this.counter = counter;
  }

  public CloseReason reason() {
    return reason;
  }

  /** The refusal counter this failure is counted under; null: the generic one for its reason. */
  public Counter counter() {
    return counter;
  }
}
