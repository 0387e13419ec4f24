package meshchat.tracker.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.wire.LoopTicker;

/**
 * What one session may hand the tracker's single directory thread, decided on the session's I/O
 * thread before the hop:
 *
 * <ul>
 *   <li>a Register's key proof (an Ed25519 verification, the one costly check of a request) is made
 *       here, so the directory thread never verifies a signature; the directory gets the Register
 *       with the verdict ({@link ProvenRegister});
 *   <li>Registers are rate-limited per session ({@link #REGISTERS_PER_SECOND}, bursts of {@link
 *       #REGISTER_BURST}; fatal RATE_LIMITED beyond), like Lookups;
 *   <li>a bad signature is refused, and the {@link #MAX_BAD_SIGNATURES}th of a session is fatal: an
 *       honest client signs what the tracker checks and never sends one;
 *   <li>at most {@link #MAX_QUEUED} of the session's frames wait for the directory thread at once
 *       (plus what one socket read holds): above it the session is not read (TCP back-pressure)
 *       until the directory has worked through half of them, so one session cannot queue the
 *       directory thread's work without bound while others wait behind it.
 * </ul>
 *
 * A session's nonce is made here too, when its GetNonce passes (kept in a channel attribute that
 * the directory's answer reads), so a Register pipelined right behind its GetNonce is checked
 * against it.
 */
public final class DirectoryGate extends ChannelInboundHandlerAdapter {
  /** Registers one session may make per second: a peer registers once per room, then hourly. */
  public static final int REGISTERS_PER_SECOND = 10;

  /** A session may register in every room it may hold at once (64 by default) in one burst. */
  public static final int REGISTER_BURST = 64;

  /** Bad registration signatures after which a session is closed. */
  public static final int MAX_BAD_SIGNATURES = 3;

  /** Frames of one session waiting for the directory thread before it stops being read. */
  public static final int MAX_QUEUED = 32;

  static final AttributeKey<byte[]> NONCE = AttributeKey.valueOf("meshchat.tracker.nonce");
  private static final AttributeKey<Backlog> BACKLOG =
      AttributeKey.valueOf("meshchat.tracker.backlog");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyProof keyProof;
  private final TrackerCounters counters;
  private final Backlog backlog = new Backlog();
  private double registerTokens = REGISTER_BURST;
  private long refilledNanos;
  private boolean refilledSet;
  private int badSignatures;
  private boolean refusedBefore;
  private boolean done; // a fatal verdict was handed on: nothing more goes to the directory

  DirectoryGate(KeyProof keyProof, TrackerCounters counters) {
    this.keyProof = keyProof;
    this.counters = counters;
  }

  public DirectoryGate(TrackerHub hub) {
    this(hub.keyProof(), hub.counters());
  }

  /** A Register and the gate's verdict on it: {@code refusal} null if it may go on. */
  record ProvenRegister(
      Register register, byte[] nonce, TrackerFrame refusal, boolean firstRefusal) {}

  /** How many frames of a session wait for the directory thread; paused above the bound. */
  private static final class Backlog {
    final AtomicInteger queued = new AtomicInteger();
    volatile boolean paused;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().attr(BACKLOG).set(backlog);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done || !(msg instanceof TrackerFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Object out = frame;
    switch (frame.getBodyCase()) {
      case GET_NONCE -> {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        ctx.channel().attr(NONCE).setIfAbsent(fresh);
      }
      case REGISTER -> out = check(ctx, frame.getRegister());
      default -> {
        // everything else is cheap for the directory: only the backlog bounds it
      }
    }
    if (backlog.queued.incrementAndGet() > MAX_QUEUED && !backlog.paused) {
      backlog.paused = true;
      ctx.channel().config().setAutoRead(false);
      // the directory may have drained it before it saw the pause: then nobody else resumes it
      resume(ctx.channel(), backlog);
    }
    ctx.fireChannelRead(out);
  }

  private ProvenRegister check(ChannelHandlerContext ctx, Register r) {
    byte[] nonce = ctx.channel().attr(NONCE).get();
    long now = LoopTicker.nanoTime(ctx);
    if (!refilledSet) {
      refilledSet = true;
      refilledNanos = now;
    }
    registerTokens =
        Math.min(
            REGISTER_BURST,
            registerTokens + Math.max(0, now - refilledNanos) / 1e9 * REGISTERS_PER_SECOND);
    refilledNanos = now;
    if (registerTokens < 1) {
      done = true;
      counters.throttled(TrackerCounters.Throttle.REGISTER_RATE);
      return new ProvenRegister(
          r,
          nonce,
          Frames.error(
              r.getRequestId(),
              Code.RATE_LIMITED,
              "more than " + REGISTERS_PER_SECOND + " registrations per second",
              true),
          false);
    }
    registerTokens--;
    String bad = Frames.checkRoom(r.getRoom());
    if (bad == null) {
      bad = Frames.checkRegistration(r.getNick(), r.getPeerId(), r.getHost(), r.getPort());
    }
    if (bad != null) {
      // the directory answers INVALID_ARGUMENT without looking at the key proof
      return new ProvenRegister(r, nonce, null, false);
    }
    InetSocketAddress source =
        ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    String unproven = keyProof.problem(r, nonce, TrackerHub.observedHost(source));
    if (unproven == null) {
      return new ProvenRegister(r, nonce, null, false);
    }
    boolean fatal = unproven == KeyProof.BAD_SIGNATURE && ++badSignatures >= MAX_BAD_SIGNATURES;
    if (fatal) {
      done = true;
      unproven = unproven + " (" + MAX_BAD_SIGNATURES + " on this session: closing it)";
    }
    boolean first = !refusedBefore;
    refusedBefore = true;
    return new ProvenRegister(
        r, nonce, Frames.error(r.getRequestId(), Code.UNAUTHENTICATED, unproven, fatal), first);
  }

  /**
   * The directory thread is done with one of the session's frames: below half the bound, the
   * session is read again (on its own I/O thread, which alone pauses it).
   */
  static void handled(Channel channel) {
    Backlog b = channel.attr(BACKLOG).get();
    if (b != null && b.queued.decrementAndGet() == MAX_QUEUED / 2 && b.paused) {
      channel.eventLoop().execute(() -> resume(channel, b));
    }
  }

  private static void resume(Channel channel, Backlog b) {
    if (b.paused && b.queued.get() <= MAX_QUEUED / 2) {
      b.paused = false;
      if (channel.isWritable()) {
        channel.config().setAutoRead(true);
      }
    }
  }

  /** A slow reader is not read until it drains its answers, nor while its backlog is full. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable() && !backlog.paused);
    ctx.fireChannelWritabilityChanged();
  }
}
