package meshchat.peer.link;

import meshchat.wire.Framing;

/**
 * Link tunables, an immutable record with named presets and {@code withX} copies.
 *
 * @param pingIntervalMs send a Ping after this long without writing anything
 * @param idleTimeoutMs close a link (Close IDLE) after this long without reading anything; a few
 *     ping intervals, so a kill -9'd peer is reported down within seconds
 * @param handshakeTimeoutMs a connection that has not completed Hello by then is closed
 * @param connectTimeoutMs TCP connect timeout for dials
 * @param redialMinMs first redial delay; doubles per failure (exponential backoff)
 * @param redialMaxMs cap of the redial delay
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
    long redialMinMs,
    long redialMaxMs,
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

  public static LinkConfig defaults() {
    return new LinkConfig(
        1_000,
        4_000,
        5_000,
        3_000,
        200,
        10_000,
        Framing.DEFAULT_MAX_FRAME_BYTES,
        256 * 1024,
        1024 * 1024,
        16L * 1024 * 1024,
        20_000,
        40_000,
        64);
  }

  /** Faster liveness and redial for in-process tests. */
  public static LinkConfig fastTest() {
    return defaults().withLiveness(200, 1_000).withRedial(50, 1_000);
  }

  public LinkConfig withLiveness(long pingMs, long idleMs) {
    return new LinkConfig(
        pingMs,
        idleMs,
        handshakeTimeoutMs,
        connectTimeoutMs,
        redialMinMs,
        redialMaxMs,
        maxFrameBytes,
        writeLowWater,
        writeHighWater,
        maxQueuedBytes,
        maxFramesPerSecond,
        frameBurst,
        maxLinksPerAddress);
  }

  public LinkConfig withRedial(long minMs, long maxMs) {
    return new LinkConfig(
        pingIntervalMs,
        idleTimeoutMs,
        handshakeTimeoutMs,
        connectTimeoutMs,
        minMs,
        maxMs,
        maxFrameBytes,
        writeLowWater,
        writeHighWater,
        maxQueuedBytes,
        maxFramesPerSecond,
        frameBurst,
        maxLinksPerAddress);
  }

  public LinkConfig withMaxFrameBytes(int v) {
    return new LinkConfig(
        pingIntervalMs,
        idleTimeoutMs,
        handshakeTimeoutMs,
        connectTimeoutMs,
        redialMinMs,
        redialMaxMs,
        v,
        writeLowWater,
        writeHighWater,
        maxQueuedBytes,
        maxFramesPerSecond,
        frameBurst,
        maxLinksPerAddress);
  }

  public LinkConfig withRateLimit(int framesPerSecond, int burst) {
    return new LinkConfig(
        pingIntervalMs,
        idleTimeoutMs,
        handshakeTimeoutMs,
        connectTimeoutMs,
        redialMinMs,
        redialMaxMs,
        maxFrameBytes,
        writeLowWater,
        writeHighWater,
        maxQueuedBytes,
        framesPerSecond,
        burst,
        maxLinksPerAddress);
  }

  public LinkConfig withMaxLinksPerAddress(int v) {
    return new LinkConfig(
        pingIntervalMs,
        idleTimeoutMs,
        handshakeTimeoutMs,
        connectTimeoutMs,
        redialMinMs,
        redialMaxMs,
        maxFrameBytes,
        writeLowWater,
        writeHighWater,
        maxQueuedBytes,
        maxFramesPerSecond,
        frameBurst,
        v);
  }
}
