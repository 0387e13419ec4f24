package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPipeline;
import java.util.Set;
import meshchat.peer.frame.ChainVerifier;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.LinkMessage;
import meshchat.wire.FrameEncoder;

/**
 * A live chat's way from the room to a link's {@link WriteCoalescer}, past the outbound handlers
 * above it, which do nothing to a chained chat that this does not do here: {@link LivenessHandler}
 * notes our turn, {@link ChainVerifier} lets it by, {@link LinkCodec} makes its frame's bytes in
 * the link's context, and the frame encoder, the idle timer and the rest pass bytes on. The room
 * writes every message to every link (four per message in the throughput cell's five-peer mesh),
 * and each write crossed six handler contexts, a {@code MessageToMessageEncoder}'s output list and
 * a wrapped buffer: about half of the room threads' write path, and {@code
 * AbstractChannelHandlerContext.write}'s C2 compiles (47 KB each, recompiled as the handlers' types
 * showed up) in the measured burst (docs/benchmarks.md, session 25).
 *
 * <p>Made only for a pipeline whose outbound handlers between the link's end and the coalescer are
 * the ones named here: one it does not know (a new handler) keeps every write in the pipeline. Used
 * only on the channel's own loop, where a pipeline write runs at once too, so a chat written here
 * and anything written through the pipeline keep the order they were written in.
 */
final class LiveChatPath {
  /** The outbound handlers a chained live chat crosses above the coalescer, and what they do. */
  private static final Set<Class<?>> KNOWN =
      Set.of(
          LivenessHandler.class, // notes that we spoke: wrote()
          ChainVerifier.class, // lets a chained chat by
          LinkCodec.class, // its frame's bytes in context: liveChatFrame
          FrameEncoder.class, // lets bytes by
          LinkIdle.class); // times reads only: lets writes by

  private final LivenessHandler liveness;
  private final LinkCodec codec;
  private final WriteCoalescer coalescer;

  private LiveChatPath(LivenessHandler liveness, LinkCodec codec, WriteCoalescer coalescer) {
    this.liveness = liveness;
    this.codec = codec;
    this.coalescer = coalescer;
  }

  /**
   * The path for {@code pipeline}, whose link end is {@code liveness}; null if it has no coalescer
   * (a link without TLS), no codec, or an outbound handler above the coalescer not known here.
   */
  static LiveChatPath of(ChannelPipeline pipeline, LivenessHandler liveness) {
    WriteCoalescer coalescer = pipeline.get(WriteCoalescer.class);
    LinkCodec codec = pipeline.get(LinkCodec.class);
    ChannelHandlerContext below = pipeline.context(WriteCoalescer.class);
    if (coalescer == null || codec == null || below == null) {
      return null;
    }
    boolean above = false;
    boolean sawLiveness = false;
    for (var entry : pipeline) {
      ChannelHandler h = entry.getValue();
      if (h == coalescer) {
        above = true;
      } else if (above && h instanceof ChannelOutboundHandler) {
        if (!KNOWN.contains(h.getClass()) || h instanceof LinkIdle i && timesWrites(i)) {
          return null;
        }
        sawLiveness |= h == liveness;
      }
    }
    return above && sawLiveness ? new LiveChatPath(liveness, codec, coalescer) : null;
  }

  /** Whether an idle timer watches writes too: a write past it would go unseen. */
  static boolean timesWrites(LinkIdle idle) {
    return idle.getWriterIdleTimeInMillis() != 0 || idle.getAllIdleTimeInMillis() != 0;
  }

  /**
   * Writes {@code c} as a void-promised pipeline write would, or returns false with nothing done:
   * an unchained chat (the verifier drops it), a coalescer out of its pipeline, or a private room's
   * frame (sealed in the pipeline). On the channel's loop only.
   */
  boolean write(LinkMessage.Chat c) {
    if (!c.message().isChained() || !coalescer.inPipeline()) {
      return false;
    }
    byte[] frame = codec.liveChatFrame(c);
    if (frame == null) {
      return false;
    }
    liveness.wrote();
    coalescer.append(frame);
    return true;
  }
}
