package meshchat.peer.link.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import meshchat.peer.frame.ChainVerifier;
import meshchat.peer.frame.LinkCodec;
import meshchat.wire.Framing;

/**
 * The handlers of a link, in wire order; the same for both roles but for who dialed. Public so that
 * a link pipeline can be run on an EmbeddedChannel outside this package (the testkit fuzzer).
 */
public final class LinkPipeline {
  private LinkPipeline() {}

  public static void build(ChannelPipeline p, LinkSetup setup, boolean dialedByUs) {
    // bytes <-> varint32-prefixed LinkFrame, bounded before buffering ("frame-decoder", ...)
    Framing.addTo(p, LinkCodec.prototype(), setup.config().maxFrameBytes());
    // frames per second per link, before any parsing: over the rate, reading pauses
    p.addAfter("frame-decoder", "rate-limit", new RateLimitHandler(setup));
    // LinkFrame <-> validated LinkMessage records: the only place generated classes are seen
    // (private rooms: message bodies are sealed and opened here)
    p.addLast("link-codec", new LinkCodec(setup.roomKey()));
    // every chat message, live or history, must be covered by its author's signed chain head
    p.addLast("verify", new ChainVerifier(setup.room(), setup.counters()));
    // nothing read for idleTimeout -> reader idle (dead peer); nothing written for ping -> Ping
    p.addLast(
        "idle",
        new IdleStateHandler(
            setup.config().idleTimeoutMs(),
            setup.config().pingIntervalMs(),
            0,
            TimeUnit.MILLISECONDS));
    // both sides send Hello first; on success this becomes "liveness" + "dispatch"
    p.addLast("hello", new HelloHandler(setup, dialedByUs));
  }
}
