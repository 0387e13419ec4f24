package meshchat.peer.link;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;

/** One handshaken connection to a peer. Methods may be called from any thread and never block. */
public interface Link {
  /** The peer's Hello: its id, nick, room, listen port and clock at connect time. */
  LinkMessage.Hello hello();

  default PeerId peer() {
    return hello().peerId();
  }

  /**
   * True if this side opened the connection (the tie-break keeps the one the smaller id dialed).
   */
  boolean dialedByUs();

  InetSocketAddress remoteAddress();

  /**
   * Queues a message without flushing it to the socket; dropped if the link is closed. A link too
   * far behind is closed instead. Call {@link #flush} after a burst: one flush (one syscall) per
   * burst rather than per message.
   */
  void write(LinkMessage message);

  /** Hands everything written so far to the socket. */
  void flush();

  /** Sends Close after everything queued, then closes. */
  void close(LinkMessage.Close reason);

  /** Latest Ping→Pong round trip in ms, or -1 before the first Pong. */
  long rttMillis();

  boolean isOpen();

  /** Completes once the connection has closed. */
  CompletableFuture<Void> closed();

  /** The reason the peer gave in its Close, or null if it sent none. */
  LinkMessage.Close closeReceived();

  /** The Close this side sent on the link (the first, if several were written), or null. */
  LinkMessage.Close closeSent();
}
