package meshchat.peer.link;

import meshchat.wire.Framing;

/**
 * Link tunables, an immutable record with named presets, {@code withX} copies and {@link
 * #toBuilder()}.
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

  /** Every field at its default; see {@link Builder} for the values. */
  public static LinkConfig defaults() {
    return new Builder().build();
  }

  /** Faster liveness and redial for in-process tests. */
  public static LinkConfig fastTest() {
    return defaults().withLiveness(200, 1_000).withRedial(50, 1_000);
  }

  /** A builder holding this config's values, to change several at once. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.pingIntervalMs = pingIntervalMs;
    b.idleTimeoutMs = idleTimeoutMs;
    b.handshakeTimeoutMs = handshakeTimeoutMs;
    b.connectTimeoutMs = connectTimeoutMs;
    b.redialMinMs = redialMinMs;
    b.redialMaxMs = redialMaxMs;
    b.maxFrameBytes = maxFrameBytes;
    b.writeLowWater = writeLowWater;
    b.writeHighWater = writeHighWater;
    b.maxQueuedBytes = maxQueuedBytes;
    b.maxFramesPerSecond = maxFramesPerSecond;
    b.frameBurst = frameBurst;
    b.maxLinksPerAddress = maxLinksPerAddress;
    return b;
  }

  public LinkConfig withLiveness(long pingMs, long idleMs) {
    return toBuilder().pingIntervalMs(pingMs).idleTimeoutMs(idleMs).build();
  }

  public LinkConfig withRedial(long minMs, long maxMs) {
    return toBuilder().redialMinMs(minMs).redialMaxMs(maxMs).build();
  }

  public LinkConfig withMaxFrameBytes(int v) {
    return toBuilder().maxFrameBytes(v).build();
  }

  public LinkConfig withRateLimit(int framesPerSecond, int burst) {
    return toBuilder().maxFramesPerSecond(framesPerSecond).frameBurst(burst).build();
  }

  public LinkConfig withMaxLinksPerAddress(int v) {
    return toBuilder().maxLinksPerAddress(v).build();
  }

  /** A mutable copy of the fields, starting at the named defaults. */
  public static final class Builder {
    private long pingIntervalMs = 1_000;
    private long idleTimeoutMs = 4_000;
    private long handshakeTimeoutMs = 5_000;
    private int connectTimeoutMs = 3_000;
    private long redialMinMs = 200;
    private long redialMaxMs = 10_000;
    private int maxFrameBytes = Framing.DEFAULT_MAX_FRAME_BYTES;
    private int writeLowWater = 256 * 1024;
    private int writeHighWater = 1024 * 1024;
    private long maxQueuedBytes = 16L * 1024 * 1024;
    private int maxFramesPerSecond = 20_000;
    private int frameBurst = 40_000;
    private int maxLinksPerAddress = 64;

    public Builder pingIntervalMs(long v) {
      pingIntervalMs = v;
      return this;
    }

    public Builder idleTimeoutMs(long v) {
      idleTimeoutMs = v;
      return this;
    }

    public Builder handshakeTimeoutMs(long v) {
      handshakeTimeoutMs = v;
      return this;
    }

    public Builder connectTimeoutMs(int v) {
      connectTimeoutMs = v;
      return this;
    }

    public Builder redialMinMs(long v) {
      redialMinMs = v;
      return this;
    }

    public Builder redialMaxMs(long v) {
      redialMaxMs = v;
      return this;
    }

    public Builder maxFrameBytes(int v) {
      maxFrameBytes = v;
      return this;
    }

    public Builder writeLowWater(int v) {
      writeLowWater = v;
      return this;
    }

    public Builder writeHighWater(int v) {
      writeHighWater = v;
      return this;
    }

    public Builder maxQueuedBytes(long v) {
      maxQueuedBytes = v;
      return this;
    }

    public Builder maxFramesPerSecond(int v) {
      maxFramesPerSecond = v;
      return this;
    }

    public Builder frameBurst(int v) {
      frameBurst = v;
      return this;
    }

    public Builder maxLinksPerAddress(int v) {
      maxLinksPerAddress = v;
      return this;
    }

    public LinkConfig build() {
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
          maxLinksPerAddress);
    }
  }
}
