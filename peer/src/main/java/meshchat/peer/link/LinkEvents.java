package meshchat.peer.link;

import java.util.List;
import meshchat.peer.message.LinkMessage;

/**
 * What the link layer tells its owner. Called on the thread the link's channel runs on (a peer runs
 * its links on its room thread, so it handles them at once; an owner on another thread hands the
 * work over and returns). For one link, events arrive in order: {@code up}, then any {@code
 * received}, then {@code down}.
 */
public interface LinkEvents {
  /** The Hello exchange succeeded (version, room and self checks passed). */
  void up(Link link);

  /**
   * Messages after the Hello, in order: everything one socket read decoded, handed over at once
   * (one call per read, not per message). Ping, Pong and Close are handled by the link layer.
   */
  void received(Link link, List<LinkMessage> messages);

  /**
   * The connection closed, whatever the cause; {@link Link#closeReceived()} says if they said why.
   */
  void down(Link link);
}
