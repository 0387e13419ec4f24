package meshchat.peer.link;

import java.util.List;
import meshchat.peer.message.LinkMessage;

/**
 * What the link layer tells its owner. Called on a Netty I/O thread: implementations hand the work
 * to their own thread (the room's event loop) and return at once. For one link, events arrive in
 * order: {@code up}, then any {@code received}, then {@code down}.
 */
public interface LinkEvents {
  /** The Hello exchange succeeded (version, room and self checks passed). */
  void up(Link link);

  /**
   * Messages after the Hello, in order: everything one socket read decoded, handed over at once
   * (one hop to the room's thread per read, not per message). Ping, Pong and Close are handled by
   * the link layer.
   */
  void received(Link link, List<LinkMessage> messages);

  /**
   * The connection closed, whatever the cause; {@link Link#closeReceived()} says if they said why.
   */
  void down(Link link);
}
