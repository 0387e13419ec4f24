package meshchat.tracker.client;

import meshchat.proto.v1.Error;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.MemberLeft;

/**
 * What the tracker pushes. Callbacks run on the client's event loop thread: return quickly and
 * never block there (hand work to your own thread).
 */
public interface TrackerListener {
  default void memberJoined(MemberJoined joined) {}

  default void memberLeft(MemberLeft left) {}

  /** An Error that answers no pending request (request_id 0), e.g. IDLE_TIMEOUT, SHUTTING_DOWN. */
  default void error(Error error) {}

  /** The session is closed, by either side; pending requests have failed. */
  default void closed() {}
}
