package meshchat.tracker.client;

import meshchat.proto.v1.Error;

/** A request the tracker refused, or a session that closed before the answer came. */
public final class TrackerException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Error.Code code;

  public TrackerException(Error.Code code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** CODE_UNSPECIFIED when the session closed without an Error. */
  public Error.Code code() {
    return code;
  }
}
