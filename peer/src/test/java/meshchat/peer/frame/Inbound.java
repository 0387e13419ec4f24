package meshchat.peer.frame;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** What a test's {@link EmbeddedChannel} passed inbound so far, in order, read out. */
final class Inbound {
  private Inbound() {}

  static List<Object> drain(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add(o);
    }
    return out;
  }
}
