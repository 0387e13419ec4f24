package meshchat.peer.link.netty;

import io.netty.channel.ChannelPipeline;
import java.util.concurrent.Executor;
import meshchat.peer.frame.ChainVerifier;
import meshchat.peer.frame.FrameTypes;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.frame.LinkContext;
import meshchat.peer.frame.LinkFrameDecoder;
import meshchat.peer.limit.Counters.Counter;
import meshchat.wire.Framing;

/**
 * The handlers of a link, in wire order; the same for both roles but for who dialed (the TLS
 * client). Public so that a link pipeline can be run on an EmbeddedChannel outside this package
 * (the testkit fuzzer), without TLS.
 */
public final class LinkPipeline {
  private LinkPipeline() {}

  /** Without TLS: for harnesses that feed frames by hand (the fuzzer, EmbeddedChannel tests). */
  public static void build(ChannelPipeline p, LinkSetup setup, boolean dialedByUs) {
    build(p, setup, dialedByUs, null, new SecretGuesses(), null);
  }

  /**
   * {@code tls} null: no TLS (harnesses only); every real link has it. {@code verify}: where
   * signatures are checked, off the link's thread; null: on it.
   */
  static void build(
      ChannelPipeline p,
      LinkSetup setup,
      boolean dialedByUs,
      LinkTls tls,
      SecretGuesses guesses,
      Executor verify) {
    build(p, setup, dialedByUs, tls, guesses, verify, null);
  }

  /** {@code pake}: where a private room link's J-PAKE rounds run; null: inline. */
  static void build(
      ChannelPipeline p,
      LinkSetup setup,
      boolean dialedByUs,
      LinkTls tls,
      SecretGuesses guesses,
      Executor verify,
      PakeGate pake) {
    if (tls != null) {
      // TLS 1.3, both ends authenticated by identity-bound certificates (LinkTls)
      tls.addTo(p, dialedByUs, setup.config().handshakeTimeoutMs());
    }
    // bytes <-> varint32-prefixed LinkFrame, bounded before buffering ("frame-decoder", ...)
    // (a frame of ours over the limit is dropped and counted, never sent to be refused: rev31)
    int limit = setup.config().maxFrameBytes();
    Framing.addTo(
        p,
        LinkCodec.prototype(),
        limit,
        limit,
        (ctx, frame, bytes) -> {
          setup.counters().increment(Counter.FRAME_NOT_SENT);
          FramesNotSentLog.SHARED.dropped(
              FrameTypes.of(frame),
              bytes,
              limit,
              String.valueOf(ctx.channel().remoteAddress()),
              System.nanoTime());
        });
    // the frames every message crosses straight into records; the rest as LinkFrame, as before
    // (both readers share the link's origin numbers: docs/protocol.md, "Link context")
    // (and chain and hash each live chat as they read it, for the chain check: "verify" below)
    LinkContext context = new LinkContext(setup.room());
    p.replace(
        "proto-decoder", "proto-decoder", new LinkFrameDecoder(setup.roomKey(), context, true));
    if (tls != null) {
      // a burst's small frames gathered into chunks before TLS, not queued there one by one
      p.addBefore("frame-decoder", "coalesce", new WriteCoalescer());
    }
    // bytes in and out as the socket sees them, for /metrics
    p.addFirst("bytes", new ByteCounter(setup.counters()));
    // frames per second per link, before any parsing: over the rate, reading pauses
    p.addAfter("frame-decoder", "rate-limit", new RateLimitHandler(setup));
    // nothing read for idleTimeout -> reader idle (dead peer): timed where frames come off the
    // socket, before anything that may hold them (the rate limit, the verifier), and not while we
    // hold reading paused ourselves (LinkIdle); reads only, so that writes pass with no promise
    // and listener each (write silence, for Pings: LivenessHandler, per flush)
    p.addAfter("frame-decoder", "idle", new LinkIdle(setup.config().idleTimeoutMs()));
    // LinkFrame <-> validated LinkMessage records: the only place generated classes are seen
    // (private rooms: message bodies are sealed and opened here)
    p.addLast("link-codec", new LinkCodec(setup.roomKey(), context));
    // every chat message, live or history, must be covered by its author's signed chain head
    // (signature checks on the verify pool, the link's order kept, reading paused if it is behind)
    p.addLast("verify", new ChainVerifier(setup.room(), setup.counters(), verify));
    // both send Hello first (private rooms: then a J-PAKE); on success: "liveness" + "dispatch"
    p.addLast("hello", new HelloHandler(setup, dialedByUs, tls, guesses, pake));
  }
}
