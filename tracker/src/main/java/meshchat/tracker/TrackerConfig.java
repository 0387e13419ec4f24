package meshchat.tracker;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;
import meshchat.peer.config.Drafts;
import meshchat.tracker.directory.Limits;
import meshchat.wire.Framing;

/**
 * Everything a tracker can be told, as one immutable value. Start from {@link #defaults()} and copy
 * with {@link #with} ({@code with(d -> d.port = 0)}). A null {@code ttl} means "3 × the heartbeat
 * interval".
 *
 * @param bindHost the address to listen on; 0.0.0.0 listens on every interface
 * @param port 0 picks a free port (tests)
 * @param heartbeatInterval announced to clients in Registered; how often they must heartbeat
 * @param ttl a registration with no heartbeat for this long expires
 * @param idleTimeout a session that sends nothing for this long is closed (IDLE_TIMEOUT)
 * @param slowClientTimeout a session whose socket stays unwritable this long is closed
 * @param maxFrameBytes the largest frame a session may send the tracker; a longer one is refused
 *     (FRAME_TOO_LARGE) as soon as its length prefix is read. Every request is well under 1 KiB
 *     (room, nick, host, key and signature are all bounded), so this is small: each session's
 *     unfinished frame is buffered up to it. Answers are not bound by it but by {@link
 *     Framing#TRACKER_MAX_ANSWER_BYTES} (64 KiB), which every answer is built to fit
 * @param ioThreads event loop threads for socket I/O; the directory has its own single thread
 * @param maxSessions most open sessions in all, from every address together; more are refused with
 *     a fatal ADDRESS_LIMIT error naming this limit, so file descriptors and per-session state are
 *     bounded however many addresses a stranger has
 * @param maxSessionsPerAddress most open sessions from one source IP address; more are refused with
 *     a fatal ADDRESS_LIMIT error, so one host holds at most this many times {@code
 *     maxRegistrationsPerSession} registrations
 * @param maxMembersPerAddressPerRoom most members of one room registered from one source IP address
 *     (ADDRESS_LIMIT beyond, not fatal): keys are free, so without it a few addresses fill a room
 *     with fakes; raise it for a big office behind one NAT address, or a test on loopback
 * @param requireKeyProof refuse a Register that does not prove its peer id's key (the default; off
 *     only for tests of other behaviour that use readable ids)
 * @param seed the directory's random choices (which members a Lookup names when there are more than
 *     it may name) come from a generator seeded with this; session nonces do not, they are secrets
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
    int maxSessions,
    int maxSessionsPerAddress,
    int maxMembersPerAddressPerRoom,
    boolean requireKeyProof,
    long seed) {

  public static final int DEFAULT_PORT = 7070;

  /**
   * The largest frame a session may send by default: 8 KiB, eight times the largest honest request
   * (a Register: room 64 bytes, nick 128, host 255, key 32, signature 64, nonce 32).
   */
  public static final int DEFAULT_MAX_FRAME_BYTES = Framing.TRACKER_MAX_REQUEST_BYTES;

  /** The most socket I/O threads: far more than any core count this runs on. */
  public static final int MAX_IO_THREADS = 1024;

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
        || maxSessions < 1
        || maxSessionsPerAddress < 1
        || maxMembersPerAddressPerRoom < 1) {
      throw new IllegalArgumentException("limits and thread counts must be positive");
    }
    // each is a thread made at the start, and their array before them: 2^31-1 was an "out of
    // memory: give it more heap" exit, advice that cannot help
    if (ioThreads > MAX_IO_THREADS) {
      throw new IllegalArgumentException(
          "io threads must be 1.." + MAX_IO_THREADS + ", got " + ioThreads);
    }
  }

  private static void requirePositive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Port 7070 on every interface, heartbeat 5 s, TTL 15 s, idle 60 s, 8 KiB requests. */
  public static TrackerConfig defaults() {
    return Drafts.build(TrackerConfig.class, new Draft());
  }

  /** Loopback on a free port: for tests and in-process trackers. */
  public static TrackerConfig localTest() {
    return defaults()
        .with(
            d -> {
              d.bindHost = "127.0.0.1";
              d.port = 0;
            });
  }

  @Override
  public Duration ttl() {
    return ttl == null ? heartbeatInterval.multipliedBy(3) : ttl;
  }

  public Limits limits() {
    return new Limits(
        maxRooms,
        maxPeersPerRoom,
        maxRegistrationsPerSession,
        ttl(),
        maxMembersPerAddressPerRoom,
        Limits.DEFAULT_ROOMS_PER_ADDRESS,
        Limits.DEFAULT_ROOMS_PER_KEY);
  }

  /** A copy with {@code change} made to a draft of this config ({@link Drafts}). */
  public TrackerConfig with(Consumer<Draft> change) {
    return Drafts.derive(this, new Draft(), change);
  }

  /**
   * The fields of a TrackerConfig, each at its named default: change some in {@link #with}, or read
   * the defaults here.
   */
  public static final class Draft {
    public String bindHost = "0.0.0.0";
    public int port = DEFAULT_PORT;
    public Duration heartbeatInterval = Duration.ofSeconds(5);
    public Duration ttl = null;
    public int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    public int maxRooms = 10_000;
    public int maxPeersPerRoom = 1_000;
    public int maxRegistrationsPerSession = 64;
    public Duration idleTimeout = Duration.ofSeconds(60);
    public Duration slowClientTimeout = Duration.ofSeconds(10);
    public int ioThreads = 1;
    public int maxSessions = 10_000;
    public int maxSessionsPerAddress = 256;
    public int maxMembersPerAddressPerRoom = Limits.DEFAULT_PER_ADDRESS_PER_ROOM;
    public boolean requireKeyProof = true;
    public long seed = new SecureRandom().nextLong();
  }
}
