package meshchat.peer.link;

import java.util.function.Consumer;
import meshchat.peer.config.Drafts;
import meshchat.wire.Framing;

/**
 * Link tunables, an immutable record with named presets and copies made with {@link #with} ({@code
 * with(d -> d.maxFrameBytes = 4096)}) or the named ones below.
 *
 * @param pingIntervalMs send a Ping after this long without writing anything
 * @param idleTimeoutMs close a link (Close IDLE) after this long without reading anything; a few
 *     ping intervals, so a kill -9'd peer is reported down within seconds
 * @param handshakeTimeoutMs a connection that has not completed Hello by then is closed
 * @param connectTimeoutMs TCP connect timeout for dials
 * @param maxFrameBytes largest frame accepted or sent
 * @param writeLowWater a link is writable again below this many queued bytes
 * @param writeHighWater a link becomes unwritable above this many queued bytes
 * @param maxQueuedBytes a link with more queued than this is closed: memory stays bounded, and the
 *     reconnect's anti-entropy resends what was lost at the reader's pace
 * @param maxFramesPerSecond sustained frames per second read from one link (a token bucket); beyond
 *     it the link stops reading until tokens refill, so TCP pushes back on the sender
 * @param frameBurst the bucket's size: frames a link may send at once above the sustained rate
 * @param maxLinksPerAddress most concurrent incoming connections from one IP address; more are
 *     refused with Close(LIMIT_EXCEEDED)
 */
public record LinkConfig(
    long pingIntervalMs,
    long idleTimeoutMs,
    long handshakeTimeoutMs,
    int connectTimeoutMs,
    int maxFrameBytes,
    int writeLowWater,
    int writeHighWater,
    long maxQueuedBytes,
    int maxFramesPerSecond,
    int frameBurst,
    int maxLinksPerAddress) {

  public LinkConfig {
    if (maxFramesPerSecond < 1 || frameBurst < 1 || maxLinksPerAddress < 1) {
      throw new IllegalArgumentException("link rate, burst and links per address must be >= 1");
    }
  }

  /** Every field at its default; see {@link Draft} for the values. */
  public static LinkConfig defaults() {
    return Drafts.build(LinkConfig.class, new Draft());
  }

  /** Faster liveness for in-process tests. */
  public static LinkConfig fastTest() {
    return defaults()
        .with(
            d -> {
              d.pingIntervalMs = 200;
              d.idleTimeoutMs = 1_000;
            });
  }

  /** A copy with {@code change} made to a draft of this config ({@link Drafts}). */
  public LinkConfig with(Consumer<Draft> change) {
    return Drafts.derive(this, new Draft(), change);
  }

  public LinkConfig withRateLimit(int framesPerSecond, int burst) {
    return with(
        d -> {
          d.maxFramesPerSecond = framesPerSecond;
          d.frameBurst = burst;
        });
  }

  /**
   * The fields of a LinkConfig, each at its named default: change some in {@link #with}, or read
   * the defaults here.
   */
  public static final class Draft {
    public long pingIntervalMs = 1_000;
    public long idleTimeoutMs = 4_000;
    public long handshakeTimeoutMs = 5_000;
    public int connectTimeoutMs = 3_000;
    public int maxFrameBytes = Framing.DEFAULT_MAX_FRAME_BYTES;
    public int writeLowWater = 256 * 1024;
    public int writeHighWater = 1024 * 1024;
    public long maxQueuedBytes = 16L * 1024 * 1024;
    public int maxFramesPerSecond = 20_000;
    public int frameBurst = 40_000;
    public int maxLinksPerAddress = 64;
  }
}
