package meshchat.peer.link.netty;

import java.util.function.Supplier;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters;
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
 * @param counters where refused, throttled and bad input is counted (bad signatures too)
 * @param roomKey a private room's key (its id is {@code room}); null in an open room
 * @param challenges the 32 random bytes of each Hello; fixed only where a harness must replay a
 *     handshake (the fuzzer)
 */
public record LinkSetup(
    LinkConfig config,
    Identity identity,
    String room,
    Supplier<Hello> localHello,
    LinkEvents events,
    String tag,
    Counters counters,
    RoomKey roomKey,
    Supplier<byte[]> challenges) {

  /** With fresh random Hello challenges, as every real link needs. */
  public LinkSetup(
      LinkConfig config,
      Identity identity,
      String room,
      Supplier<Hello> localHello,
      LinkEvents events,
      String tag,
      Counters counters,
      RoomKey roomKey) {
    this(
        config,
        identity,
        room,
        localHello,
        events,
        tag,
        counters,
        roomKey,
        HelloProofs::newChallenge);
  }

  /** An open room, with counters of its own. */
  public LinkSetup(
      LinkConfig config,
      Identity identity,
      String room,
      Supplier<Hello> localHello,
      LinkEvents events,
      String tag) {
    this(config, identity, room, localHello, events, tag, new Counters(), null);
  }

  public PeerId self() {
    return identity.peerId();
  }
}
