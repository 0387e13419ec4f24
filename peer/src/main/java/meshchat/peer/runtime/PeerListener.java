package meshchat.peer.runtime;

import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;

/**
 * What a running peer reports: to the display, or to a test or benchmark observing deliveries.
 * Called on the node's room thread, in order: return quickly and never block.
 */
public interface PeerListener {
  /** Listening on {@code peer.port()}; the room has loaded its history. */
  default void ready(PeerView peer) {}

  /** How a peer became findable by others, reported once by {@link #findable}. */
  enum Findable {
    /** The first registration with a tracker succeeded: the tracker names this peer now. */
    REGISTERED,
    /** Every tracker failed its first attempt: nobody finds this peer through one yet. */
    UNREACHABLE,
    /** No tracker answered within {@link TrackerReports#FINDABLE_WAIT_MS}. */
    TIMEOUT,
    /** No tracker is configured: only the LAN, the peer cache and peer exchange find it. */
    NO_TRACKER
  }

  /**
   * After {@link #ready}, once: the first tracker registration is done, or it is known that none
   * will be soon ({@link Findable}). A script that waits for this knows the peer can be found.
   */
  default void findable(PeerView peer, Findable how) {}

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
