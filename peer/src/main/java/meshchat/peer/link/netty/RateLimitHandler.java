package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import meshchat.peer.frame.ReadPause;
import meshchat.peer.limit.Counters.Counter;
import meshchat.wire.LoopTicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames per second read from one link, as a token bucket (a sustained rate plus a burst). A link
 * over its rate is not closed and nothing is dropped: it stops being read until the bucket has
 * refilled, so TCP pushes back on the sender. An honest peer in a burst (a catch-up, a benchmark)
 * is merely slowed; a flooding one costs us at most the rate, and its own send queue fills until
 * its link layer cuts it off. Dropping frames instead would leave gaps for anti-entropy to refetch
 * at extra cost; closing would cut honest bursts.
 *
 * <p>Sits right after the frame decoder, so a flood is throttled before any Protobuf parsing.
 * Frames already read when the bucket empties (at most one socket read's worth) still pass.
 */
final class RateLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RateLimitHandler.class);
  private final LinkSetup setup;
  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private long last;
  private boolean paused;

  RateLimitHandler(LinkSetup setup) {
    this.setup = setup;
    this.tokensPerNano = setup.config().maxFramesPerSecond() / 1e9;
    this.burst = setup.config().frameBurst();
    this.tokens = burst;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    last = now(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    long now = now(ctx);
    tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
    last = now;
    tokens -= 1;
    if (tokens < 0 && !paused) {
      pause(ctx);
    }
    ctx.fireChannelRead(msg);
  }

  private void pause(ChannelHandlerContext ctx) {
    paused = true;
    setup.counters().increment(Counter.RATE_THROTTLED);
    log.debug(
        "{} link {} over {} frames/s: pausing reads",
        setup.tag(),
        ctx.channel().remoteAddress(),
        setup.config().maxFramesPerSecond());
    ReadPause.pause(ctx.channel());
    resumeLater(ctx);
  }

  /** Resumes once the bucket is out of debt; frames read after the pause deepen the debt. */
  private void resumeLater(ChannelHandlerContext ctx) {
    long waitNanos = (long) Math.ceil(-tokens / tokensPerNano) + 1;
    ctx.executor()
        .schedule(
            () -> {
              long now = now(ctx);
              tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
              last = now;
              if (tokens < 0) {
                resumeLater(ctx);
                return;
              }
              paused = false;
              if (ReadPause.resume(ctx.channel()) && !LinkErrors.isClosing(ctx.channel())) {
                ctx.channel().config().setAutoRead(true);
              }
            },
            waitNanos,
            TimeUnit.NANOSECONDS);
  }

  boolean paused() {
    return paused;
  }

  private static long now(ChannelHandlerContext ctx) {
    return LoopTicker.nanoTime(ctx);
  }
}
