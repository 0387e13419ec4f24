package meshchat.tracker;

import java.time.Duration;
import meshchat.tracker.directory.Limits;
import meshchat.wire.Framing;

/**
 * Everything a tracker can be told, as one immutable value. Start from {@link #defaults()} and copy
 * with {@code withX(...)}. A null {@code ttl} means "3 × the heartbeat interval".
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
    return new TrackerConfig(
        "0.0.0.0",
        DEFAULT_PORT,
        Duration.ofSeconds(5),
        null,
        Framing.DEFAULT_MAX_FRAME_BYTES,
        10_000,
        1_000,
        64,
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        1,
        256,
        true);
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

  public TrackerConfig withBindHost(String v) {
    return new TrackerConfig(
        v,
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

  public TrackerConfig withPort(int v) {
    return new TrackerConfig(
        bindHost,
        v,
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

  public TrackerConfig withHeartbeatInterval(Duration v) {
    return new TrackerConfig(
        bindHost,
        port,
        v,
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

  public TrackerConfig withTtl(Duration v) {
    return new TrackerConfig(
        bindHost,
        port,
        heartbeatInterval,
        v,
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

  public TrackerConfig withMaxFrameBytes(int v) {
    return new TrackerConfig(
        bindHost,
        port,
        heartbeatInterval,
        ttl,
        v,
        maxRooms,
        maxPeersPerRoom,
        maxRegistrationsPerSession,
        idleTimeout,
        slowClientTimeout,
        ioThreads,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withMaxRooms(int v) {
    return new TrackerConfig(
        bindHost,
        port,
        heartbeatInterval,
        ttl,
        maxFrameBytes,
        v,
        maxPeersPerRoom,
        maxRegistrationsPerSession,
        idleTimeout,
        slowClientTimeout,
        ioThreads,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withMaxPeersPerRoom(int v) {
    return new TrackerConfig(
        bindHost,
        port,
        heartbeatInterval,
        ttl,
        maxFrameBytes,
        maxRooms,
        v,
        maxRegistrationsPerSession,
        idleTimeout,
        slowClientTimeout,
        ioThreads,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withMaxRegistrationsPerSession(int v) {
    return new TrackerConfig(
        bindHost,
        port,
        heartbeatInterval,
        ttl,
        maxFrameBytes,
        maxRooms,
        maxPeersPerRoom,
        v,
        idleTimeout,
        slowClientTimeout,
        ioThreads,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withIdleTimeout(Duration v) {
    return new TrackerConfig(
        bindHost,
        port,
        heartbeatInterval,
        ttl,
        maxFrameBytes,
        maxRooms,
        maxPeersPerRoom,
        maxRegistrationsPerSession,
        v,
        slowClientTimeout,
        ioThreads,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withSlowClientTimeout(Duration v) {
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
        v,
        ioThreads,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withIoThreads(int v) {
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
        v,
        maxSessionsPerAddress,
        requireKeyProof);
  }

  public TrackerConfig withMaxSessionsPerAddress(int v) {
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
        v,
        requireKeyProof);
  }

  public TrackerConfig withRequireKeyProof(boolean v) {
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
        v);
  }
}
