package meshchat.peer.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * What a {@link PeerListener} may read of the peer it listens to: who and where it is, and its
 * history. Nothing here changes the peer; the display sends and dials through {@link PeerNode}.
 */
public interface PeerView {
  PeerId self();

  /** The current nick (a /nick changes it). */
  String nick();

  /** The room's name on the wire: a private room's id, not the name typed. */
  String room();

  /** The port listened on. */
  int port();

  /**
   * The last {@code limit} messages in canonical (Lamport, origin) order. Asked on the room thread
   * (from {@link PeerListener#ready}) it is answered at once.
   */
  CompletableFuture<List<ChatMessage>> history(int limit);
}
