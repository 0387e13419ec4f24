package meshchat.peer.runtime;

import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;

/**
 * What a running peer reports: to the display, or to a test or benchmark observing deliveries.
 * Called on the node's room thread, in order: return quickly and never block.
 */
public interface PeerListener {
  /** Listening on {@code port}; the room has loaded its history. */
  default void ready(PeerNode node, int port) {}

  /** A message for the screen, exactly once per message (own messages included). */
  default void delivered(Delivery delivery) {}

  default void notice(RoomNotice notice) {}

  /** A link to {@code peer} is up (reported once, not again when the tie-break swaps links). */
  default void peerUp(PeerId peer, String nick) {}

  default void peerDown(PeerId peer, String nick) {}

  /** A status line for the user, e.g. the tracker is unreachable or hosted here. */
  default void info(String line) {}

  /** A problem the user should see, as one line. */
  default void error(String line) {}
}
