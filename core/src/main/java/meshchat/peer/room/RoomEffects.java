package meshchat.peer.room;

import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.StoreException;

/**
 * What the core asks of the world. The Netty runtime writes frames and prints; the simulation
 * records and routes. Called on the room's thread; implementations must not block.
 */
public interface RoomEffects {
  /** Send a message on the link to {@code to}, if it is still up. */
  void send(PeerId to, LinkMessage message);

  /**
   * Make everything the room staged in its store durable (one commit covers every request made
   * before it), then report it with {@link Room#durable} on the room's thread, after this call has
   * returned, never from inside it. The room's own messages wait for that report before they are
   * shown or sent.
   */
  void commit();

  /** Show a message. */
  void deliver(Delivery delivery);

  void notice(RoomNotice notice);

  /**
   * A room member named by neighbour {@code namer}'s PeerList that is not linked: a hint for
   * membership, which decides whether and when to dial it.
   */
  void dial(PeerId namer, LinkMessage.PeerAddress address);

  /** Close the link to {@code peer}, telling it why. */
  void closeLink(PeerId peer, LinkMessage.Close reason);

  /**
   * Our own store failed while the room handled an event ({@code e}: a full disk, an I/O error) and
   * rolled back what the unit of work held: no peer's doing, so no link is closed or blamed. The
   * runtime tells the user (once, not once per failed write).
   */
  default void storeFailed(StoreException e) {}

  /**
   * A message delivered since the last commit is taken back (a write the store rolled back took its
   * row, or one it follows): not to be shown. Only a store whose commits outlive the process rolls
   * back, and a received message is shown only once its commit is done, so it was not shown yet.
   */
  default void undeliver(MessageId id) {}
}
