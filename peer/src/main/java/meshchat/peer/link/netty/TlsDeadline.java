package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import meshchat.wire.LoopTicker;

/**
 * The TLS handshake's timeout, placed right after the {@code SslHandler} (whose own timeout is
 * off), with the grace {@link HelloHandler}'s timer has: a timer that runs more than {@link
 * HelloHandler#LATE_MS} late (our loop was starved: a loaded box, a collection) does not judge, it
 * gives the loop {@link HelloHandler#LATE_GRACE_MS} to read what came meanwhile, once; then, or on
 * time, a handshake not done fails as the {@code SslHandler}'s timeout did: an {@link
 * SslHandshakeTimeoutException} in a failed {@link SslHandshakeCompletionEvent} (counted {@code
 * tls_failed} where a link pipeline stands behind), and the channel closes. Before (session 35),
 * the SslHandler's timer closed a link whose handshake bytes sat unread behind a starved loop,
 * while the Hello timer behind it excused the same stall (LinkSlotsPerAddressTest at load 67).
 */
final class TlsDeadline extends ChannelInboundHandlerAdapter {
  private final long timeoutMs;
  private ScheduledFuture<?> timer;
  private boolean armed;

  TlsDeadline(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  private void start(ChannelHandlerContext ctx) {
    if (!armed && timeoutMs > 0) {
      armed = true;
      arm(ctx, timeoutMs, false);
    }
  }

  private void arm(ChannelHandlerContext ctx, long ms, boolean excused) {
    long due = LoopTicker.nanoTime(ctx) + TimeUnit.MILLISECONDS.toNanos(ms);
    timer = ctx.executor().schedule(() -> due(ctx, due, excused), ms, TimeUnit.MILLISECONDS);
  }

  private void due(ChannelHandlerContext ctx, long due, boolean excused) {
    timer = null;
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      return;
    }
    if (!excused
        && LoopTicker.nanoTime(ctx) - due > TimeUnit.MILLISECONDS.toNanos(HelloHandler.LATE_MS)) {
      arm(ctx, HelloHandler.LATE_GRACE_MS, true);
      return;
    }
    SslHandshakeTimeoutException e =
        new SslHandshakeTimeoutException("handshake timed out after " + timeoutMs + "ms");
    ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(e));
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent) {
      stop();
      ctx.pipeline().remove(this); // done: no more to time
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
