package meshchat.testkit.bench;

import java.util.function.ToIntFunction;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.LinkMessage;

/**
 * The size of a link message as the wire carries it: its Protobuf frame, encoded by the shipped
 * {@link LinkCodec} (without the length prefix and TLS record around it). A room hands the same
 * message object to every link it goes to, so the last one sized is remembered, as the codec
 * remembers the last one encoded: a chat message is encoded once, not once per link. Here, with the
 * tools that size frames, because only they may touch the generated Protobuf types (BuildRules).
 */
public final class FrameSizer implements ToIntFunction<LinkMessage> {
  private LinkMessage last;
  private int lastSize;

  @Override
  public int applyAsInt(LinkMessage m) {
    if (m != last) {
      last = m;
      lastSize = LinkCodec.toFrame(m).getSerializedSize();
    }
    return lastSize;
  }
}
