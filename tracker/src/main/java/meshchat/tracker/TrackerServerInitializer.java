package meshchat.tracker;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.pipeline.DirectoryGate;
import meshchat.tracker.pipeline.HandshakeHandler;
import meshchat.tracker.pipeline.OversizeFrames;
import meshchat.tracker.pipeline.SessionHandler;
import meshchat.tracker.pipeline.TrackerHub;
import meshchat.wire.Framing;

/**
 * The pipeline of one tracker session, in wire order. It sits beside {@link TrackerConfig}, which
 * it reads, so that the pipeline's stages depend on their arguments and not on the server's config.
 */
public final class TrackerServerInitializer extends ChannelInitializer<SocketChannel> {
  private final TrackerConfig config;
  private final TrackerHub hub;
  private final EventExecutorGroup directoryThread;

  public TrackerServerInitializer(
      TrackerConfig config, TrackerHub hub, EventExecutorGroup directoryThread) {
    this.config = config;
    this.hub = hub;
    this.directoryThread = directoryThread;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    addHandlers(ch.pipeline(), config, hub, directoryThread);
  }

  /**
   * The session handlers; with a null {@code directoryThread} the session handler runs on the
   * channel's own loop (EmbeddedChannel tests).
   */
  @SuppressWarnings("deprecation") // addLast(group, ...): see the session line below
  public static void addHandlers(
      ChannelPipeline p, TrackerConfig config, TrackerHub hub, EventExecutorGroup directoryThread) {
    // outbound: many small answers to one socket write while a read batch is in progress
    p.addLast("flush-consolidation", new FlushConsolidationHandler(256, true));
    // both ways: varint32-length-prefixed TrackerFrames; in, a session's requests bounded by
    // maxFrameBytes (8 KiB); out, our answers by the answer bound (64 KiB) that each is built to
    // fit: one over it is counted and logged, never silently lost (rev32 FINDING-4)
    Framing.addTo(
        p,
        TrackerFrame.getDefaultInstance(),
        config.maxFrameBytes(),
        Framing.TRACKER_MAX_ANSWER_BYTES,
        new OversizeFrames(hub.counters(), Framing.TRACKER_MAX_ANSWER_BYTES));
    // inbound: close sessions that send no complete frame (not even a heartbeat) for idleTimeout;
    // after the decoder, so bytes trickled inside one frame do not count as activity
    p.addLast(
        "idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    // inbound: the first frame must be Register, Lookup or GetNonce with our protocol version
    p.addLast("handshake", new HandshakeHandler(hub.counters()));
    // inbound, still on the I/O thread: Registers proven and rate-limited, and the session's frames
    // waiting for the directory thread bounded (reading pauses above it)
    p.addLast("gate", new DirectoryGate(hub));
    // inbound: every request, on the one directory thread that owns all tracker state. Netty 4.2
    // deprecates a handler on its own executor; it still works, and is what makes the directory
    // single-threaded without a lock, so it stays until the session hops threads itself.
    p.addLast(directoryThread, "session", new SessionHandler(hub, config.slowClientTimeout()));
  }
}
