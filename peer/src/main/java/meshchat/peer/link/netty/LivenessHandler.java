package meshchat.peer.link.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.wire.LoopTicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-link detection (netty's uptime example): after a ping interval in which we flushed nothing,
 * we send a Ping so the other side always hears something; the "idle" handler reports read silence,
 * and we close with IDLE. Answers Pings and measures the round trip from Pongs; neither reaches the
 * room.
 *
 * <p>Write silence is timed here, from the last flush, and not by {@code IdleStateHandler}: that
 * one times it from each write's completion, so it makes every write carry a promise of its own and
 * a listener (8 % of the link threads' samples in a profile of the latency cell,
 * docs/benchmarks.md), where one clock read per flush tells the same: a link is flushed once per
 * burst.
 *
 * <p>After one ping interval of our silence, a Ping is skipped if the other side has spoken since
 * we last did: we answer what it sends, and our turn comes. On an idle link the two sides then take
 * turns, one Ping and one Pong per interval instead of two of each (each a TLS record to seal,
 * send, receive and open: the bulk of an idle peer's CPU), and each side is still heard about once
 * per interval. After two intervals of silence we ping whatever we heard, so a side that only reads
 * still speaks at least every two intervals, half the dead-link timeout.
 */
final class LivenessHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(LivenessHandler.class);
  private final NettyLink link;
  private final LinkSetup setup;
  private final long pingNanos;
  private boolean heardSinceWrite;
  private long flushedAt; // the loop's ticker at our last flush
  private boolean firstSilence = true; // no Ping for silence since that flush yet
  private ScheduledFuture<?> silenceCheck;

  LivenessHandler(NettyLink link, LinkSetup setup) {
    this.link = link;
    this.setup = setup;
    this.pingNanos = TimeUnit.MILLISECONDS.toNanos(setup.config().pingIntervalMs());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    flushedAt = LoopTicker.nanoTime(ctx);
    checkSilenceIn(ctx, pingNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopCheckingSilence();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopCheckingSilence();
    ctx.fireChannelInactive();
  }

  private void stopCheckingSilence() {
    if (silenceCheck != null) {
      silenceCheck.cancel(false);
      silenceCheck = null;
    }
  }

  private void checkSilenceIn(ChannelHandlerContext ctx, long nanos) {
    silenceCheck = ctx.executor().schedule(() -> checkSilence(ctx), nanos, TimeUnit.NANOSECONDS);
  }

  /** As {@code IdleStateHandler}'s writer timeout: a ping interval since our last flush? */
  private void checkSilence(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) {
      return;
    }
    long left = pingNanos - (LoopTicker.nanoTime(ctx) - flushedAt);
    if (left > 0) {
      checkSilenceIn(ctx, left);
      return;
    }
    checkSilenceIn(ctx, pingNanos);
    boolean first = firstSilence;
    firstSilence = false;
    if (first && heardSinceWrite) {
      return; // they spoke last: we answer them, and they hear from us within an interval
    }
    // the nonce is our send time: the Pong echoes it, so no table of pings is kept
    heardSinceWrite = false;
    writeAndFlush(ctx, new LinkMessage.Ping(LoopTicker.nanoTime(ctx)));
  }

  private void writeAndFlush(ChannelHandlerContext ctx, LinkMessage m) {
    ctx.write(m);
    flush(ctx);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    flushedAt = LoopTicker.nanoTime(ctx);
    firstSilence = true;
    ctx.flush();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent e)) {
      ctx.fireUserEventTriggered(evt);
    } else if (e.state() == IdleState.READER_IDLE && LinkErrors.markClosing(ctx.channel())) {
      long ms = setup.config().idleTimeoutMs();
      log.info("{} link to {} silent for {} ms: closing", setup.tag(), link.peer().shortHex(), ms);
      LinkErrors.sendCloseAndClose(
          ctx, new LinkMessage.Close(CloseReason.IDLE, "nothing heard for " + ms + " ms"));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    heardSinceWrite = true;
    if (msg instanceof LinkMessage.Ping p) {
      heardSinceWrite = false;
      writeAndFlush(ctx, new LinkMessage.Pong(p.nonce()));
    } else if (msg instanceof LinkMessage.Pong p) {
      long rttNanos = LoopTicker.nanoTime(ctx) - p.nonce();
      if (rttNanos >= 0 && rttNanos < 60_000_000_000L) {
        link.rttMillis(rttNanos / 1_000_000);
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    wrote();
    ctx.write(msg, promise);
  }

  /** Something the room sent, through here or past ({@link LiveChatPath}): our turn. */
  void wrote() {
    heardSinceWrite = false;
  }
}
