package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.wire.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake: both sides send Hello as their first frame without waiting for the other's, then
 * check the one they receive (docs/protocol.md, "Handshake"). A wrong version, room or a link to
 * ourselves is refused with Close(reason, message). On success this handler replaces itself with
 * the liveness handler and the dispatcher (the atomix handshake-then-swap pattern).
 */
final class HelloHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HelloHandler.class);

  private final LinkSetup setup;
  private final boolean dialedByUs;
  private ScheduledFuture<?> timeout;

  HelloHandler(LinkSetup setup, boolean dialedByUs) {
    this.setup = setup;
    this.dialedByUs = dialedByUs;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(setup.localHello().get());
    long ms = setup.config().handshakeTimeoutMs();
    timeout =
        ctx.executor()
            .schedule(
                () -> refuse(ctx, CloseReason.PROTOCOL_ERROR, "no Hello within " + ms + " ms"),
                ms,
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Hello h)) {
      refuse(ctx, CloseReason.PROTOCOL_ERROR, "expected Hello first, got " + kind(msg));
      return;
    }
    if (h.protocolVersion() != Framing.PROTOCOL_VERSION) {
      refuse(
          ctx,
          CloseReason.VERSION_MISMATCH,
          "protocol version " + h.protocolVersion() + " is not " + Framing.PROTOCOL_VERSION);
    } else if (!h.room().equals(setup.room())) {
      refuse(ctx, CloseReason.WRONG_ROOM, "room '" + h.room() + "' is not '" + setup.room() + "'");
    } else if (h.peerId().equals(setup.self())) {
      refuse(ctx, CloseReason.SELF_LINK, "a peer cannot link to itself");
    } else {
      cancelTimeout();
      NettyLink link = new NettyLink(ctx.channel(), h, dialedByUs, setup.config());
      ctx.pipeline().addBefore(ctx.name(), "liveness", new LivenessHandler(link, setup));
      ctx.pipeline().replace(this, "dispatch", new LinkDispatcher(link, setup));
      setup.events().up(link);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimeout();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    cancelTimeout();
    LinkErrors.closeFor(ctx, cause, setup);
  }

  private void refuse(ChannelHandlerContext ctx, CloseReason reason, String why) {
    cancelTimeout();
    if (!LinkErrors.markClosing(ctx.channel())) {
      return;
    }
    log.info(
        "{} refused link from {}: {} ({})",
        setup.tag(),
        ctx.channel().remoteAddress(),
        why,
        reason);
    ctx.channel().config().setAutoRead(false);
    LinkErrors.sendCloseAndClose(ctx, new LinkMessage.Close(reason, why));
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  private static String kind(Object msg) {
    return msg == null ? "nothing" : msg.getClass().getSimpleName();
  }
}
