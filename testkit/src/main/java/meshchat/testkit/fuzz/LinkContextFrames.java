package meshchat.testkit.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.wire.Framing;

/**
 * Live chat frames as the Java peer writes them on a new link, in its context (docs/protocol.md,
 * "Link context"): for the protocol doc's vectors and the fuzzer's seeds.
 */
public final class LinkContextFrames {
  private LinkContextFrames() {}

  /**
   * {@code messages} as live chat frames written in order on a new link (length prefix included):
   * origins by number once bound, prev and wall times from the link's previous live chat. Written
   * on a thread of its own, whose origin numbers start at 1 (a thread numbers the origins it
   * writes, the same on all its links), so the bytes are always the same.
   */
  public static List<byte[]> written(List<ChatMessage> messages) {
    List<byte[]> frames = new ArrayList<>();
    Thread t =
        new Thread(
            () -> {
              EmbeddedChannel link = new EmbeddedChannel();
              Framing.addTo(
                  link.pipeline(), LinkCodec.prototype(), Framing.DEFAULT_MAX_FRAME_BYTES);
              link.pipeline().addLast(new LinkCodec());
              for (ChatMessage m : messages) {
                link.writeOutbound(new LinkMessage.Chat(m));
                ByteBuf b = link.readOutbound();
                frames.add(ByteBufUtil.getBytes(b));
                b.release();
              }
              link.finishAndReleaseAll();
            },
            "link-context-frames");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (frames.size() != messages.size()) {
      throw new IllegalStateException("a live chat frame was not written");
    }
    return frames;
  }
}
