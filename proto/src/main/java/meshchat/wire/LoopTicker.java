package meshchat.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.Ticker;

/**
 * The one clock of a channel's handlers: the ticker of the executor they run on, the same one its
 * scheduled tasks run by, so an EmbeddedChannel's {@code advanceTimeBy} moves rate limits and
 * latencies together with timeouts. An executor without a ticker falls back to the system's.
 */
public final class LoopTicker {
  private LoopTicker() {}

  public static long nanoTime(ChannelHandlerContext ctx) {
    return ctx.executor() instanceof AbstractScheduledEventExecutor e
        ? e.ticker().nanoTime()
        : Ticker.systemTicker().nanoTime();
  }
}
