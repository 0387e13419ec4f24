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
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.limit.LogBudget;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.HeartbeatAck;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.directory.SessionId;
import meshchat.wire.LoopTicker;
import meshchat.wire.TruncatedFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tracker session after its handshake. It runs on the single directory thread (it is added to
 * the pipeline with that executor), so it may call the hub directly. Answers are written as they
 * are made and flushed once per read batch.
 */
public final class SessionHandler extends SimpleChannelInboundHandler<Object> {
  static final String SESSION_LOGGER = "meshchat.tracker.session";
  private static final Logger log = LoggerFactory.getLogger(SESSION_LOGGER);

  /**
   * Lookups one session may make per second, with bursts of twice that: a peer looks a room up when
   * it joins and when its registration is refused, not in a loop. Each answer can be a thousand
   * members long, so unbounded lookups would be an amplifier into the tracker's own heap.
   */
  public static final int LOOKUPS_PER_SECOND = 20;

  /**
   * Most answer bytes queued to one connection and not yet written to its socket. Answers are
   * queued on the directory thread faster than a socket drains; a client that pipelines requests
   * and never reads would otherwise grow the heap by every answer.
   */
  public static final long MAX_BUFFERED_BYTES = 4L << 20;

  private final TrackerHub hub;
  private final Duration slowClientTimeout;
  private final int lookupsPerSecond;
  private final long maxBufferedBytes;
  private final AtomicLong buffered = new AtomicLong();
  private double lookupTokens;
  private long lookupRefilledNanos; // set when added, by the executor's ticker
  private SessionId id;
  private boolean closing;

  public SessionHandler(TrackerHub hub, Duration slowClientTimeout) {
    this(hub, slowClientTimeout, LOOKUPS_PER_SECOND, MAX_BUFFERED_BYTES);
  }

  public SessionHandler(
      TrackerHub hub, Duration slowClientTimeout, int lookupsPerSecond, long maxBufferedBytes) {
    this.hub = hub;
    this.slowClientTimeout = slowClientTimeout;
    this.lookupsPerSecond = lookupsPerSecond;
    this.maxBufferedBytes = maxBufferedBytes;
    this.lookupTokens = 2.0 * lookupsPerSecond;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    lookupRefilledNanos = LoopTicker.nanoTime(ctx);
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
      fail(ctx, Frames.error(0, Code.ADDRESS_LIMIT, hub.whyRefused(), true));
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
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!closing) {
        answer(ctx, msg);
      }
    } finally {
      DirectoryGate.handled(ctx.channel());
    }
  }

  private void answer(ChannelHandlerContext ctx, Object msg) {
    // a Register comes proven by the DirectoryGate; every other request as it was read
    DirectoryGate.ProvenRegister proven = msg instanceof DirectoryGate.ProvenRegister p ? p : null;
    TrackerFrame frame =
        proven != null
            ? TrackerFrame.newBuilder().setRegister(proven.register()).build()
            : (TrackerFrame) msg;
    long start = LoopTicker.nanoTime(ctx);
    TrackerFrame answer =
        switch (frame.getBodyCase()) {
          case REGISTER ->
              proven != null
                  ? hub.register(id, proven, source(ctx))
                  : Frames.error(0, Code.PROTOCOL_ERROR, "a Register that was not checked", true);
          case UNREGISTER -> hub.unregister(id, frame.getUnregister());
          case LOOKUP -> lookup(frame, LoopTicker.nanoTime(ctx));
          case GET_NONCE -> hub.nonce(id, frame.getGetNonce());
          case HEARTBEAT -> heartbeat(frame.getHeartbeat().getNonce());
          case REGISTERED,
              UNREGISTERED,
              LOOKUP_RESULT,
              HEARTBEAT_ACK,
              MEMBER_JOINED,
              MEMBER_LEFT,
              ERROR,
              NONCE ->
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
    hub.counters().request(frame.getBodyCase(), LoopTicker.nanoTime(ctx) - start);
    if (answer.hasError() && answer.getError().getFatal()) {
      fail(ctx, answer);
      return;
    }
    if (answer.hasError()) {
      hub.counters().error(answer.getError().getCode());
    }
    int size = answer.getSerializedSize();
    if (buffered.get() + size > maxBufferedBytes) {
      hub.counters().throttled(TrackerCounters.Throttle.BUFFERED_BYTES);
      // the error itself is small; the answers it replaces are dropped
      fail(
          ctx,
          Frames.error(
              0,
              Code.RATE_LIMITED,
              "over " + maxBufferedBytes + " bytes of answers not yet read",
              true));
      return;
    }
    buffered.addAndGet(size);
    ctx.write(answer).addListener(f -> buffered.addAndGet(-size));
  }

  private TrackerFrame lookup(TrackerFrame frame, long now) {
    lookupTokens =
        Math.min(
            2.0 * lookupsPerSecond,
            lookupTokens + (now - lookupRefilledNanos) / 1e9 * lookupsPerSecond);
    lookupRefilledNanos = now;
    if (lookupTokens < 1) {
      hub.counters().throttled(TrackerCounters.Throttle.LOOKUP_RATE);
      return Frames.error(
          frame.getLookup().getRequestId(),
          Code.RATE_LIMITED,
          "more than " + lookupsPerSecond + " lookups per second",
          true);
    }
    lookupTokens--;
    if (!hub.mayLookup(id, now)) {
      // not fatal: the other sessions of a busy address (a NAT) are not this one's fault
      hub.counters().throttled(TrackerCounters.Throttle.LOOKUP_RATE_ADDRESS);
      return Frames.error(
          frame.getLookup().getRequestId(),
          Code.RATE_LIMITED,
          "more than "
              + TrackerHub.LOOKUPS_PER_ADDRESS_PER_SECOND
              + " lookups per second from this address",
          false);
    }
    return hub.lookup(frame.getLookup());
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
   * A slow reader: its requests stop being read (so its answers stop growing: the {@link
   * DirectoryGate} pauses reading on its I/O thread) and it is closed if its socket stays
   * unwritable, so one stuck client cannot grow the tracker's memory without bound.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = ctx.channel().isWritable();
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
    if (cause instanceof TruncatedFrameException) {
      // the stream ended inside a frame: the client is gone (or half-closed), nothing to answer
      if (mayLogGone(ctx)) {
        log.info("session {} {} closed: {}", id, ctx.channel().remoteAddress(), cause.getMessage());
      }
      closing = true;
      ctx.close();
      return;
    }
    if (cause instanceof TooLongFrameException) {
      code = Code.FRAME_TOO_LARGE;
    } else if (cause instanceof DecoderException || cause instanceof CorruptedFrameException) {
      code = Code.PROTOCOL_ERROR;
    } else if (cause instanceof IOException) {
      // a reset or broken pipe: the peer is gone, nothing to answer
      if (mayLogGone(ctx)) {
        log.info("session {} {} closed: {}", id, ctx.channel().remoteAddress(), cause.getMessage());
      }
      closing = true;
      ctx.close();
      return;
    } else {
      code = Code.PROTOCOL_ERROR;
    }
    String why = reasonFor(cause);
    if (!why.equals(oneLine(cause))) {
      log.debug("session {} {}: {}", id, ctx.channel().remoteAddress(), cause.toString());
    }
    fail(ctx, Frames.error(0, code, why, true));
  }

  /**
   * What the client is told about {@code cause}: the frame decoder's own reasons (a frame too
   * large, a corrupt length prefix), which we wrote for it, and a fixed text for anything else, so
   * a client never reads a library's or our code's exception text; the detail is logged at debug.
   */
  static String reasonFor(Throwable cause) {
    if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
      return oneLine(cause);
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root instanceof com.google.protobuf.InvalidProtocolBufferException
        ? "malformed frame"
        : "internal error";
  }

  /** Sends a fatal error (if the socket is still open), logs one line and closes. */
  private void fail(ChannelHandlerContext ctx, TrackerFrame error) {
    closing = true;
    Code code = error.getError().getCode();
    hub.counters().error(code);
    if (mayLog(hub.counters().logBudget(code), LoopTicker.nanoTime(ctx), "sessions " + code)) {
      log.warn(
          "session {} {} closed: {} {}",
          id,
          ctx.channel().remoteAddress(),
          code,
          error.getError().getMessage());
    }
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private boolean mayLogGone(ChannelHandlerContext ctx) {
    return mayLog(
        hub.counters().logBudget(Code.CODE_UNSPECIFIED),
        LoopTicker.nanoTime(ctx),
        "sessions closed by their client");
  }

  /**
   * Whether one more line about a refused or closed session may be logged ({@link LogBudget}: ten
   * of a kind a minute); the first after a minute in which some were left out says how many.
   */
  static boolean mayLog(LogBudget budget, long nowNanos, String what) {
    long leftOut = budget.admit(nowNanos);
    if (leftOut > 0) {
      log.warn(
          "{} more {} not logged in the last minute (the error counts at shutdown and /metrics"
              + " count them)",
          leftOut,
          what);
    }
    return leftOut != LogBudget.LEAVE_OUT;
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
