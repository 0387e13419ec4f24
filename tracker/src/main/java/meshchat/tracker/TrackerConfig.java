package meshchat.tracker;

import java.time.Duration;
import meshchat.tracker.directory.Limits;
import meshchat.wire.Framing;

/**
 * Everything a tracker can be told, as one immutable value. Start from {@link #defaults()} and copy
 * with {@code withX(...)}, or {@link #toBuilder()} for several changes. A null {@code ttl} means "3
 * × the heartbeat interval".
 *
 * @param bindHost the address to listen on; 0.0.0.0 listens on every interface
 * @param port 0 picks a free port (tests)
 * @param heartbeatInterval announced to clients in Registered; how often they must heartbeat
 * @param ttl a registration with no heartbeat for this long expires
 * @param idleTimeout a session that sends nothing for this long is closed (IDLE_TIMEOUT)
 * @param slowClientTimeout a session whose socket stays unwritable this long is closed
 * @param ioThreads event loop threads for socket I/O; the directory has its own single thread
 * @param maxSessionsPerAddress most open sessions from one source IP address; more are refused with
 *     a fatal ADDRESS_LIMIT error, so one host holds at most this many times {@code
 *     maxRegistrationsPerSession} registrations
 * @param requireKeyProof refuse a Register that does not prove its peer id's key (the default; off
 *     only for tests of other behaviour that use readable ids)
 */
public record TrackerConfig(
    String bindHost,
    int port,
    Duration heartbeatInterval,
    Duration ttl,
    int maxFrameBytes,
    int maxRooms,
    int maxPeersPerRoom,
    int maxRegistrationsPerSession,
    Duration idleTimeout,
    Duration slowClientTimeout,
    int ioThreads,
    int maxSessionsPerAddress,
    boolean requireKeyProof) {

  public static final int DEFAULT_PORT = 7070;

  public TrackerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    requirePositive("heartbeat interval", heartbeatInterval);
    requirePositive("idle timeout", idleTimeout);
    requirePositive("slow client timeout", slowClientTimeout);
    if (ttl != null && ttl.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException(
          "ttl (" + ttl.toMillis() + " ms) must exceed the heartbeat interval");
    }
    if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException("idle timeout must exceed the heartbeat interval");
    }
    if (maxFrameBytes < 64) {
      throw new IllegalArgumentException("max frame bytes must be at least 64");
    }
    if (maxRooms < 1
        || maxPeersPerRoom < 1
        || maxRegistrationsPerSession < 1
        || ioThreads < 1
        || maxSessionsPerAddress < 1) {
      throw new IllegalArgumentException("limits and thread counts must be positive");
    }
  }

  private static void requirePositive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Port 7070 on every interface, heartbeat 5 s, TTL 15 s, idle 60 s, 1 MiB frames. */
  public static TrackerConfig defaults() {
    return new Builder().build();
  }

  /** Loopback on a free port: for tests and in-process trackers. */
  public static TrackerConfig localTest() {
    return defaults().withBindHost("127.0.0.1").withPort(0);
  }

  @Override
  public Duration ttl() {
    return ttl == null ? heartbeatInterval.multipliedBy(3) : ttl;
  }

  public Limits limits() {
    return new Limits(maxRooms, maxPeersPerRoom, maxRegistrationsPerSession, ttl());
  }

  /** A builder holding this config's values, to change several at once. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.bindHost = bindHost;
    b.port = port;
    b.heartbeatInterval = heartbeatInterval;
    b.ttl = ttl;
    b.maxFrameBytes = maxFrameBytes;
    b.maxRooms = maxRooms;
    b.maxPeersPerRoom = maxPeersPerRoom;
    b.maxRegistrationsPerSession = maxRegistrationsPerSession;
    b.idleTimeout = idleTimeout;
    b.slowClientTimeout = slowClientTimeout;
    b.ioThreads = ioThreads;
    b.maxSessionsPerAddress = maxSessionsPerAddress;
    b.requireKeyProof = requireKeyProof;
    return b;
  }

  public TrackerConfig withBindHost(String v) {
    return toBuilder().bindHost(v).build();
  }

  public TrackerConfig withPort(int v) {
    return toBuilder().port(v).build();
  }

  public TrackerConfig withHeartbeatInterval(Duration v) {
    return toBuilder().heartbeatInterval(v).build();
  }

  public TrackerConfig withTtl(Duration v) {
    return toBuilder().ttl(v).build();
  }

  public TrackerConfig withMaxFrameBytes(int v) {
    return toBuilder().maxFrameBytes(v).build();
  }

  public TrackerConfig withMaxRooms(int v) {
    return toBuilder().maxRooms(v).build();
  }

  public TrackerConfig withMaxPeersPerRoom(int v) {
    return toBuilder().maxPeersPerRoom(v).build();
  }

  public TrackerConfig withMaxRegistrationsPerSession(int v) {
    return toBuilder().maxRegistrationsPerSession(v).build();
  }

  public TrackerConfig withIdleTimeout(Duration v) {
    return toBuilder().idleTimeout(v).build();
  }

  public TrackerConfig withSlowClientTimeout(Duration v) {
    return toBuilder().slowClientTimeout(v).build();
  }

  public TrackerConfig withIoThreads(int v) {
    return toBuilder().ioThreads(v).build();
  }

  public TrackerConfig withMaxSessionsPerAddress(int v) {
    return toBuilder().maxSessionsPerAddress(v).build();
  }

  public TrackerConfig withRequireKeyProof(boolean v) {
    return toBuilder().requireKeyProof(v).build();
  }

  /** A mutable copy of the fields, starting at the named defaults. */
  public static final class Builder {
    private String bindHost = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration ttl = null;
    private int maxFrameBytes = Framing.DEFAULT_MAX_FRAME_BYTES;
    private int maxRooms = 10_000;
    private int maxPeersPerRoom = 1_000;
    private int maxRegistrationsPerSession = 64;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration slowClientTimeout = Duration.ofSeconds(10);
    private int ioThreads = 1;
    private int maxSessionsPerAddress = 256;
    private boolean requireKeyProof = true;

    public Builder bindHost(String v) {
      bindHost = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder ttl(Duration v) {
      ttl = v;
      return this;
    }

    public Builder maxFrameBytes(int v) {
      maxFrameBytes = v;
      return this;
    }

    public Builder maxRooms(int v) {
      maxRooms = v;
      return this;
    }

    public Builder maxPeersPerRoom(int v) {
      maxPeersPerRoom = v;
      return this;
    }

    public Builder maxRegistrationsPerSession(int v) {
      maxRegistrationsPerSession = v;
      return this;
    }

    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    public Builder slowClientTimeout(Duration v) {
      slowClientTimeout = v;
      return this;
    }

    public Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    public Builder maxSessionsPerAddress(int v) {
      maxSessionsPerAddress = v;
      return this;
    }

    public Builder requireKeyProof(boolean v) {
      requireKeyProof = v;
      return this;
    }

    public TrackerConfig build() {
      return new TrackerConfig(
          bindHost,
          port,
          heartbeatInterval,
          ttl,
          maxFrameBytes,
          maxRooms,
          maxPeersPerRoom,
          maxRegistrationsPerSession,
          idleTimeout,
          slowClientTimeout,
          ioThreads,
          maxSessionsPerAddress,
          requireKeyProof);
    }
  }
}
