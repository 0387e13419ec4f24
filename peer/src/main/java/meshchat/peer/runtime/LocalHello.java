package meshchat.peer.runtime;

import meshchat.peer.message.LinkMessage.Hello;
import meshchat.wire.Framing;

/**
 * What this peer says of itself in every Hello: its id, room and listening port, with the nick and
 * Lamport time of the moment. Written on the room thread, read by the I/O threads that open links.
 */
public final class LocalHello {
  private final PeerConfig config;
  private volatile String nick;
  private volatile int port;
  private volatile long lamport;

  public LocalHello(PeerConfig config) {
    this.config = config;
    this.nick = config.nick();
  }

  /** The Hello a new link sends now. */
  public Hello hello() {
    return new Hello(Framing.PROTOCOL_VERSION, config.self(), nick, config.room(), port, lamport);
  }

  String nick() {
    return nick;
  }

  void nick(String newNick) {
    nick = newNick;
  }

  int port() {
    return port;
  }

  void port(int listening) {
    port = listening;
  }

  /** The room's clock, for the hint that lets a peer that was away start its clock ahead. */
  public void lamport(long time) {
    lamport = time;
  }
}
