package meshchat.peer.link.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.wire.LoopTicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-link detection (netty's uptime example): the "idle" handler reports write silence, and we
 * send a Ping so the other side always hears something; it reports read silence, and we close with
 * IDLE. Answers Pings and measures the round trip from Pongs; neither reaches the room.
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
  private boolean heardSinceWrite;

  LivenessHandler(NettyLink link, LinkSetup setup) {
    this.link = link;
    this.setup = setup;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent e)) {
      ctx.fireUserEventTriggered(evt);
    } else if (e.state() == IdleState.WRITER_IDLE) {
      if (e.isFirst() && heardSinceWrite) {
        return; // they spoke last: we answer them, and they hear from us within an interval
      }
      // the nonce is our send time: the Pong echoes it, so no table of pings is kept
      heardSinceWrite = false;
      ctx.writeAndFlush(new LinkMessage.Ping(LoopTicker.nanoTime(ctx)));
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
      ctx.writeAndFlush(new LinkMessage.Pong(p.nonce()));
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
    heardSinceWrite = false; // anything the room sends counts as our turn
    ctx.write(msg, promise);
  }
}
