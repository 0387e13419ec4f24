package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import meshchat.peer.frame.ReadPause;

/**
 * Read silence as the socket sees it: placed right after the frame decoder, so every frame the
 * other side sends counts as heard the moment it is read, whatever waits behind it (a signature
 * check on a busy verify pool, the rate limit); and silence while we ourselves kept the link from
 * reading ({@link ReadPause}) is not the other side's. Before, the idle timer stood after the
 * verifier, so a verify pool seconds behind (a loaded two-core box, a catch-up sharing it) made
 * live, busy links look dead: they were closed as IDLE, redialed and refetched by anti-entropy,
 * which loaded the pool further. A dead peer still times out: nothing arrives while we read.
 */
final class LinkIdle extends IdleStateHandler {
  private final long timeoutNanos;

  LinkIdle(long timeoutMs) {
    super(timeoutMs, 0, 0, TimeUnit.MILLISECONDS);
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) throws Exception {
    if (evt.state() == IdleState.READER_IDLE && ReadPause.heldWithin(ctx.channel(), timeoutNanos)) {
      return; // not heard because we did not read: the next timeout judges again
    }
    super.channelIdle(ctx, evt);
  }
}
