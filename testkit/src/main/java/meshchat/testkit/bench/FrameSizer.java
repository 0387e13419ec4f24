package meshchat.testkit.bench;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;

/**
 * The size of a link message as the wire carries it: its Protobuf frame, encoded by the shipped
 * {@link LinkCodec} (without the length prefix and TLS record around it). A room hands the same
 * message object to every link it goes to, so the last one sized is remembered, as the codec
 * remembers the last one encoded: a chat message is encoded once, not once per link. Here, with the
 * tools that size frames, because only they may touch the generated Protobuf types (BuildRules).
 *
 * <p>Each relay wraps a message in a new {@code Chat}, so a Chat frame's size is also remembered
 * per message (the same object in every simulated store): a 1,000-peer run relays each message
 * about a thousand times, and would encode it as often
 * (docs/decisions/0004-network-stats-by-class.md). The map holds only messages that the stores hold
 * anyway.
 */
public final class FrameSizer implements ToIntFunction<LinkMessage> {
  private LinkMessage last;
  private int lastSize;
  private final Map<ChatMessage, Integer> chatSizes = new IdentityHashMap<>();

  @Override
  public int applyAsInt(LinkMessage m) {
    if (m != last) {
      last = m;
      lastSize =
          m instanceof Chat c ? chatSizes.computeIfAbsent(c.message(), x -> size(m)) : size(m);
    }
    return lastSize;
  }

  private static int size(LinkMessage m) {
    return LinkCodec.toFrame(m).getSerializedSize();
  }
}
