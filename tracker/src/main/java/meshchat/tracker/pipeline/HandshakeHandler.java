package meshchat.tracker.pipeline;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame;
import meshchat.wire.Framing;
import meshchat.wire.LoopTicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a session's first frame: a Register, Lookup or GetNonce carrying a protocol version this
 * tracker speaks. On success it removes itself and passes the frame on; otherwise it answers a
 * fatal Error and closes. Runs on the I/O thread, so a refused session never reaches the directory.
 */
public final class HandshakeHandler extends SimpleChannelInboundHandler<TrackerFrame> {
  private static final Logger log = LoggerFactory.getLogger(SessionHandler.SESSION_LOGGER);
  private final TrackerCounters counters;

  public HandshakeHandler(TrackerCounters counters) {
    this.counters = counters;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, TrackerFrame frame) {
    int version;
    long requestId;
    switch (frame.getBodyCase()) {
      case REGISTER -> {
        version = frame.getRegister().getProtocolVersion();
        requestId = frame.getRegister().getRequestId();
      }
      case LOOKUP -> {
        version = frame.getLookup().getProtocolVersion();
        requestId = frame.getLookup().getRequestId();
      }
      case GET_NONCE -> {
        version = frame.getGetNonce().getProtocolVersion();
        requestId = frame.getGetNonce().getRequestId();
      }
      default -> {
        refuse(
            ctx,
            0,
            Code.PROTOCOL_ERROR,
            "first frame must be Register, Lookup or GetNonce, got " + frame.getBodyCase());
        return;
      }
    }
    if (version != Framing.TRACKER_PROTOCOL_VERSION) {
      refuse(
          ctx,
          requestId,
          Code.VERSION_MISMATCH,
          "protocol version "
              + version
              + " is not supported; this tracker speaks "
              + Framing.TRACKER_PROTOCOL_VERSION);
      return;
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(frame);
  }

  private void refuse(ChannelHandlerContext ctx, long requestId, Code code, String why) {
    counters.error(code);
    if (SessionHandler.mayLog(
        counters.logBudget(code), LoopTicker.nanoTime(ctx), "sessions " + code)) {
      log.warn("session from {} refused: {} {}", ctx.channel().remoteAddress(), code, why);
    }
    ctx.writeAndFlush(Frames.error(requestId, code, why, true))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
