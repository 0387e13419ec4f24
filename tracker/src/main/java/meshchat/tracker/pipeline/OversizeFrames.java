package meshchat.tracker.pipeline;

import com.google.protobuf.MessageLiteOrBuilder;
import io.netty.channel.ChannelHandlerContext;
import java.util.Locale;
import meshchat.proto.v1.TrackerFrame;
import meshchat.proto.v1.TrackerFrame.BodyCase;
import meshchat.wire.FrameEncoder;
import meshchat.wire.LoopTicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tracker does with a frame of its own that is over the bound on what it sends ({@link
 * meshchat.wire.Framing#TRACKER_MAX_ANSWER_BYTES}): the encoder drops it, and this counts it by
 * type ({@code /metrics}, the shutdown line) and logs one line (ten a minute at most), never a
 * stack trace. Every frame the tracker builds is made to fit ({@link Frames}), so a count here is a
 * bug of ours: before rev32 FINDING-4 answers over 8 KiB were dropped here with neither.
 */
public final class OversizeFrames implements FrameEncoder.Oversize {
  private static final Logger log = LoggerFactory.getLogger(SessionHandler.SESSION_LOGGER);

  private final TrackerCounters counters;
  private final int maxBytes;

  public OversizeFrames(TrackerCounters counters, int maxBytes) {
    this.counters = counters;
    this.maxBytes = maxBytes;
  }

  @Override
  public void dropped(ChannelHandlerContext ctx, MessageLiteOrBuilder frame, int bytes) {
    BodyCase type =
        frame instanceof TrackerFrame f ? f.getBodyCase() : BodyCase.BODY_NOT_SET; // never else
    if (SessionHandler.mayLog(
        counters.frameNotSent(type), LoopTicker.nanoTime(ctx), "frames not sent for their size")) {
      log.error(
          "session {}: a {} of {} bytes not sent, over the {}-byte bound on what the tracker sends"
              + " (a bug: please report it)",
          ctx.channel().remoteAddress(),
          type.name().toLowerCase(Locale.ROOT),
          bytes,
          maxBytes);
    }
  }
}
