package meshchat.tracker.pipeline;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.HeartbeatAck;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.directory.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tracker session after its handshake. It runs on the single directory thread (it is added to
 * the pipeline with that executor), so it may call the hub directly. Answers are written as they
 * are made and flushed once per read batch.
 */
public final class SessionHandler extends SimpleChannelInboundHandler<TrackerFrame> {
  static final String SESSION_LOGGER = "meshchat.tracker.session";
  private static final Logger log = LoggerFactory.getLogger(SESSION_LOGGER);

  private final TrackerHub hub;
  private final Duration slowClientTimeout;
  private SessionId id;
  private boolean closing;

  public SessionHandler(TrackerHub hub, Duration slowClientTimeout) {
    this.hub = hub;
    this.slowClientTimeout = slowClientTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // an EmbeddedChannel is active before its handlers are added
    if (ctx.channel().isActive() && id == null) {
      open(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (id == null && !closing) {
      open(ctx);
    }
    ctx.fireChannelActive();
  }

  private void open(ChannelHandlerContext ctx) {
    id = hub.open(ctx.channel());
    if (id == null) {
      fail(
          ctx,
          Frames.error(
              0,
              Code.ADDRESS_LIMIT,
              "too many sessions from this address (limit " + hub.maxSessionsPerAddress() + ")",
              true));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (id != null) {
      hub.close(id);
    }
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, TrackerFrame frame) {
    if (closing) {
      return;
    }
    TrackerFrame answer =
        switch (frame.getBodyCase()) {
          case REGISTER -> hub.register(id, frame.getRegister(), source(ctx));
          case UNREGISTER -> hub.unregister(id, frame.getUnregister());
          case LOOKUP -> hub.lookup(frame.getLookup());
          case HEARTBEAT -> heartbeat(frame.getHeartbeat().getNonce());
          case REGISTERED,
              UNREGISTERED,
              LOOKUP_RESULT,
              HEARTBEAT_ACK,
              MEMBER_JOINED,
              MEMBER_LEFT,
              ERROR ->
              Frames.error(
                  0,
                  Code.PROTOCOL_ERROR,
                  "unexpected tracker-to-peer message " + frame.getBodyCase(),
                  true);
          case BODY_NOT_SET ->
              Frames.error(
                  0,
                  Code.PROTOCOL_ERROR,
                  "frame with no known message (unset or unknown body)",
                  true);
        };
    if (answer.hasError() && answer.getError().getFatal()) {
      fail(ctx, answer);
    } else {
      if (answer.hasError()) {
        hub.counters().error(answer.getError().getCode());
      }
      ctx.write(answer, ctx.voidPromise());
    }
  }

  private TrackerFrame heartbeat(long nonce) {
    hub.heartbeat(id);
    return TrackerFrame.newBuilder()
        .setHeartbeatAck(HeartbeatAck.newBuilder().setNonce(nonce))
        .build();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      fail(ctx, Frames.error(0, Code.IDLE_TIMEOUT, "nothing received for too long", true));
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * A slow reader: stop reading its requests (so its answers stop growing) and close it if its
   * socket stays unwritable, so one stuck client cannot grow the tracker's memory without bound.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = ctx.channel().isWritable();
    ctx.channel().config().setAutoRead(writable);
    if (!writable) {
      ctx.executor()
          .schedule(
              () -> {
                if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
                  log.warn(
                      "session {} {} closed: unwritable for {} ms (slow reader)",
                      id,
                      ctx.channel().remoteAddress(),
                      slowClientTimeout.toMillis());
                  ctx.close();
                }
              },
              slowClientTimeout.toMillis(),
              TimeUnit.MILLISECONDS);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      return;
    }
    Code code;
    if (cause instanceof TooLongFrameException) {
      code = Code.FRAME_TOO_LARGE;
    } else if (cause instanceof DecoderException || cause instanceof CorruptedFrameException) {
      code = Code.PROTOCOL_ERROR;
    } else if (cause instanceof IOException) {
      // a reset or broken pipe: the peer is gone, nothing to answer
      log.info("session {} {} closed: {}", id, ctx.channel().remoteAddress(), cause.getMessage());
      closing = true;
      ctx.close();
      return;
    } else {
      code = Code.PROTOCOL_ERROR;
    }
    String why = oneLine(cause);
    fail(ctx, Frames.error(0, code, why, true));
  }

  /** Sends a fatal error (if the socket is still open), logs one line and closes. */
  private void fail(ChannelHandlerContext ctx, TrackerFrame error) {
    closing = true;
    hub.counters().error(error.getError().getCode());
    log.warn(
        "session {} {} closed: {} {}",
        id,
        ctx.channel().remoteAddress(),
        error.getError().getCode(),
        error.getError().getMessage());
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private static String oneLine(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return msg.replace('\n', ' ');
  }

  private static InetSocketAddress source(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
  }
}
