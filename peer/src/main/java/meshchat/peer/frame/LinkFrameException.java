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
  private final boolean counted;

  public LinkFrameException(CloseReason reason, String message) {
    this(reason, message, null, false);
  }

  /** As above, counted as {@code counter} rather than as a bad frame. */
  public LinkFrameException(CloseReason reason, String message, Counter counter) {
    this(reason, message, counter, false);
  }

  private LinkFrameException(CloseReason reason, String message, Counter counter, boolean counted) {
    super(message);
    this.reason = reason;
    this.counter = counter;
    this.counted = counted;
  }

  /**
   * A refusal its handler has already counted under {@code counter} (the chain check counts a bad
   * signature where it finds it, with or without a link layer behind it): the link layer closes for
   * it and counts nothing more, so that one event is one count.
   */
  public static LinkFrameException alreadyCounted(
      CloseReason reason, String message, Counter counter) {
    return new LinkFrameException(reason, message, counter, true);
  }

  public CloseReason reason() {
    return reason;
  }

  /** The refusal counter this failure is counted under; null: the generic one for its reason. */
  public Counter counter() {
    return counter;
  }

  /**
   * True if {@link #counter()} was incremented where this was thrown (see {@link #alreadyCounted}).
   */
  public boolean counted() {
    return counted;
  }
}
