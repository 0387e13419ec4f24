package meshchat.wire;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The stream ended inside a frame: the connection closed (the peer was killed, its machine or the
 * path went away) after a frame's first bytes and before its last. Nothing the sender could still
 * be told, and no sign of a hostile peer: a receiver drops the partial frame and treats the
 * connection as closed (docs/protocol.md, "Framing").
 */
public final class TruncatedFrameException extends CorruptedFrameException {
  private static final long serialVersionUID = 1L;

  public TruncatedFrameException(String message) {
    super(message);
  }
}
