package meshchat.peer.link.netty;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslClosedEngineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import meshchat.peer.frame.LinkFrameException;
import meshchat.peer.frame.ReadPause;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.limit.LogBudget;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.wire.LoopTicker;
import meshchat.wire.TruncatedFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's garbage never crashes another: every failure on a link becomes one log line and a
 * Close with a reason, then the connection closes. Later errors on the same link are ignored.
 */
final class LinkErrors {
  private static final Logger log = LoggerFactory.getLogger(LinkErrors.class);
  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("meshchat.closing");
  private static final AttributeKey<Close> CLOSE_SENT = AttributeKey.valueOf("meshchat.closeSent");
  private static final AttributeKey<Boolean> TLS_FAILED =
      AttributeKey.valueOf("meshchat.tlsFailed");

  private LinkErrors() {}

  static void closeFor(ChannelHandlerContext ctx, Throwable cause, LinkSetup setup) {
    String tag = setup.tag();
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof SslClosedEngineException) {
      // A write that raced this link's own close (a duplicate link the tie-break ends, a Close
      // already sent): the engine had shut down cleanly, so nothing failed and nothing is counted.
      log.debug("{} link {}: {}", tag, ctx.channel().remoteAddress(), root.getMessage());
      if (markClosing(ctx.channel())) {
        ctx.close();
      }
      return;
    }
    if (root instanceof SSLException || cause instanceof NotSslRecordException) {
      // Counted even on a link already closing: BoringSSL sends its alert (and the link starts
      // to close) before the engine's error reaches us. No Close frame: without a working TLS
      // channel there is nothing to send it on.
      if (ctx.channel().attr(TLS_FAILED).setIfAbsent(Boolean.TRUE) == null) {
        setup.counters().increment(Counter.TLS_FAILED);
        if (mayLog(ctx, setup, Counter.TLS_FAILED, "TLS failures")) {
          log.info(
              "{} link {}: TLS failed: {}", tag, ctx.channel().remoteAddress(), root.getMessage());
        }
      }
      if (markClosing(ctx.channel())) {
        ctx.channel().config().setAutoRead(false);
        ctx.close();
      }
      return;
    }
    if (root instanceof TruncatedFrameException) {
      // The connection ended inside a frame: the peer was killed or cut off mid-write. Its link is
      // gone, not hostile: no Close to send on it, no bad frame counted (docs/protocol.md).
      log.debug("{} link {}: {}", tag, ctx.channel().remoteAddress(), root.getMessage());
      if (markClosing(ctx.channel())) {
        ctx.close();
      }
      return;
    }
    if (!markClosing(ctx.channel())) {
      return;
    }
    ctx.channel().config().setAutoRead(false);
    CloseReason reason;
    if (cause instanceof LinkFrameException e) {
      reason = e.reason();
    } else if (root instanceof TooLongFrameException) {
      reason = CloseReason.FRAME_TOO_LARGE;
    } else if (root instanceof CorruptedFrameException
        || root instanceof InvalidProtocolBufferException
        || cause instanceof DecoderException) {
      reason = CloseReason.PROTOCOL_ERROR;
    } else if (cause instanceof IOException) {
      log.debug("{} link {}: {}", tag, ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
      return;
    } else {
      reason = CloseReason.PROTOCOL_ERROR;
    }
    String why = reasonFor(root);
    if (!(cause instanceof LinkFrameException lf && lf.counted())) {
      Counter counted =
          cause instanceof LinkFrameException lf && lf.counter() != null
              ? lf.counter()
              : reason == CloseReason.FRAME_TOO_LARGE ? Counter.FRAME_TOO_LARGE : Counter.BAD_FRAME;
      setup.counters().increment(counted);
    }
    if (mayLog(ctx, setup, Counter.BAD_FRAME, "links closed for bad input")) {
      log.info("{} closing link {}: {} ({})", tag, ctx.channel().remoteAddress(), why, reason);
    }
    if (!why.equals(root.getMessage())) {
      log.debug("{} link {}: closed for {}", tag, ctx.channel().remoteAddress(), root.toString());
    }
    sendCloseAndClose(ctx, new Close(reason, why));
  }

  /** A Close reason for a frame that was bad in a way the peer's own input made it. */
  static final String MALFORMED_FRAME = "malformed frame";

  /** A Close reason for a failure of ours while handling the peer's input. */
  static final String INTERNAL_ERROR = "internal error";

  /**
   * What the peer is told about {@code root}: our own refusals' reasons, which we wrote for it (a
   * {@link LinkFrameException}'s, the frame decoder's), and a fixed text for anything else, so a
   * peer never reads a library's or our code's exception text (class names, paths, state); the
   * detail goes to the local log at debug.
   */
  static String reasonFor(Throwable root) {
    if (root instanceof LinkFrameException
        || root instanceof TooLongFrameException
        || root instanceof CorruptedFrameException) {
      return String.valueOf(root.getMessage());
    }
    if (root instanceof InvalidProtocolBufferException) {
      return MALFORMED_FRAME;
    }
    return INTERNAL_ERROR;
  }

  /**
   * Whether a line of this kind may go to the log now: ten a minute ({@link LogBudget}, by the
   * loop's ticker); the first line after a minute in which some were left out says how many.
   */
  static boolean mayLog(ChannelHandlerContext ctx, LinkSetup setup, Counter kind, String what) {
    long leftOut = setup.counters().logBudget(kind).admit(LoopTicker.nanoTime(ctx));
    if (leftOut > 0) {
      log.info(
          "{} {} more {} not logged in the last minute (/status counts them)",
          setup.tag(),
          leftOut,
          what);
    }
    return leftOut != LogBudget.LEAVE_OUT;
  }

  /** True the first time only: the caller is the one that closes this channel. */
  static boolean markClosing(Channel ch) {
    if (ch.attr(CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return false;
    }
    ReadPause.closing(ch); // a paused handler resuming later must not turn reading back on
    return true;
  }

  /**
   * Notes {@code close} as the Close this side sends on {@code ch}, unless one was noted before.
   */
  static void closeSending(Channel ch, Close close) {
    ch.attr(CLOSE_SENT).setIfAbsent(close);
  }

  /** The Close this side sent on {@code ch}, or null. */
  static Close closeSent(Channel ch) {
    return ch.attr(CLOSE_SENT).get();
  }

  static boolean isClosing(Channel ch) {
    return ch.attr(CLOSING).get() != null;
  }

  /**
   * Sends {@code close}, then closes without losing it. Closing a socket whose input holds bytes
   * nobody read makes the kernel send a reset, and a reset can destroy the Close before the other
   * side reads it (a dialer that sent its Hello would never learn why it was refused). So once the
   * Close is written, input is discarded below TLS, our side is shut (TLS close_notify, then FIN),
   * and the channel closes when the other side closes, or after {@link #LINGER_MS}.
   */
  static void sendCloseAndClose(ChannelHandlerContext ctx, Close close) {
    Channel ch = ctx.channel();
    closeSending(ch, close);
    if (!ch.isActive()) {
      ctx.close();
    } else if (!(ch instanceof DuplexChannel duplex)) {
      ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(close).addListener(written -> linger(duplex));
    }
  }

  static final long LINGER_MS = 2_000;

  private static void linger(DuplexChannel ch) {
    if (!ch.isActive()) {
      return;
    }
    ch.eventLoop().schedule(() -> ch.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    if (ch.pipeline().get("discard") == null) {
      ch.pipeline().addFirst("discard", new DiscardInbound());
    }
    ch.config().setAutoRead(true);
    SslHandler tls = ch.pipeline().get(SslHandler.class);
    if (tls == null) {
      ch.shutdownOutput();
    } else {
      tls.closeOutbound().addListener(f -> ch.shutdownOutput());
    }
  }

  /** Drops whatever arrives on a link that is closing; the other side's EOF closes it. */
  static class DiscardInbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
