package meshchat.peer.link.netty;

import java.util.function.Supplier;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.PeerId;

/**
 * What every link pipeline of one peer shares.
 *
 * @param localHello our Hello, read at connect time (the clock and nick change)
 * @param tag prefix of every log line, to tell peers apart when many share a JVM
 * @param counters where refused, throttled and bad input is counted
 */
public record LinkSetup(
    LinkConfig config,
    PeerId self,
    String room,
    Supplier<Hello> localHello,
    LinkEvents events,
    String tag,
    Counters counters) {

  /** With counters of its own. */
  public LinkSetup(
      LinkConfig config,
      PeerId self,
      String room,
      Supplier<Hello> localHello,
      LinkEvents events,
      String tag) {
    this(config, self, room, localHello, events, tag, new Counters());
  }
}
