package meshchat.peer.frame;

import io.netty.handler.codec.DecoderException;
import meshchat.peer.message.LinkMessage.CloseReason;

/**
 * A frame that decoded as Protobuf but cannot become a {@code LinkMessage}: an unset or unknown
 * envelope ({@link CloseReason#PROTOCOL_ERROR}) or bad content such as an empty peer id or a seq of
 * 0 ({@link CloseReason#INVALID_MESSAGE}). The link answers with Close({@link #reason()}).
 */
public final class LinkFrameException extends DecoderException {
  private static final long serialVersionUID = 1L;
  private final CloseReason reason;

  public LinkFrameException(CloseReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public CloseReason reason() {
    return reason;
  }
}
