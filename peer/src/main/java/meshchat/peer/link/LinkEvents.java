package meshchat.peer.link;

import meshchat.peer.message.LinkMessage;

/**
 * What the link layer tells its owner. Called on a Netty I/O thread: implementations hand the work
 * to their own thread (the room's event loop) and return at once. For one link, events arrive in
 * order: {@code up}, then any {@code received}, then {@code down}.
 */
public interface LinkEvents {
  /** The Hello exchange succeeded (version, room and self checks passed). */
  void up(Link link);

  /** A message after the Hello; Ping, Pong and Close are handled by the link layer. */
  void received(Link link, LinkMessage message);

  /**
   * The connection closed, whatever the cause; {@link Link#closeReceived()} says if they said why.
   */
  void down(Link link);
}
