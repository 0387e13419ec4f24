package meshchat.peer.link.netty;

import java.util.List;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.wire.Framing;

/** A link setup in "lobby" for {@code me} whose events go nowhere: for tests of the link layer. */
final class QuietSetup {
  private QuietSetup() {}

  static LinkSetup of(Identity me, Counters counters) {
    return new LinkSetup(
        LinkConfig.defaults(),
        me,
        "lobby",
        () -> new Hello(Framing.PROTOCOL_VERSION, me.peerId(), "me", "lobby", 0, 1),
        new LinkEvents() {
          @Override
          public void up(Link link) {}

          @Override
          public void received(Link link, List<LinkMessage> messages) {}

          @Override
          public void down(Link link) {}
        },
        "[test]",
        counters,
        null,
        () -> new byte[32]);
  }
}
