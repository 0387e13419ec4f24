package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;

/**
 * The one clock of a link's handlers: the ticker of the channel's event loop, the same one its
 * scheduled tasks run by, so an EmbeddedChannel's {@code advanceTimeBy} moves rate limits and
 * round-trip times together with timeouts. An executor without a ticker falls back to nanoTime.
 */
final class LinkTicker {
  private LinkTicker() {}

  static long nanoTime(ChannelHandlerContext ctx) {
    return ctx.executor() instanceof AbstractScheduledEventExecutor e
        ? e.ticker().nanoTime()
        : System.nanoTime();
  }
}
