package meshchat.peer.link.netty;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.PeerId;

/**
 * What every link pipeline of one peer shares.
 *
 * @param identity our key pair: proves our id in the Hello
 * @param room the room as on the wire (the name, or a private room's id)
 * @param localHello our Hello, read at connect time (the clock and nick change)
 * @param tag prefix of every log line, to tell peers apart when many share a JVM
 * @param rejected counts chat messages refused for a bad key or signature
 * @param roomKey a private room's key (its id is {@code room}); null in an open room
 */
public record LinkSetup(
    LinkConfig config,
    Identity identity,
    String room,
    Supplier<Hello> localHello,
    LinkEvents events,
    String tag,
    LongAdder rejected,
    RoomKey roomKey) {

  /** An open room (no secret). */
  public LinkSetup(
      LinkConfig config,
      Identity identity,
      String room,
      Supplier<Hello> localHello,
      LinkEvents events,
      String tag,
      LongAdder rejected) {
    this(config, identity, room, localHello, events, tag, rejected, null);
  }

  public PeerId self() {
    return identity.peerId();
  }
}
