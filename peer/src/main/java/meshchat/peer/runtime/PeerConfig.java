package meshchat.peer.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Consumer;
import meshchat.peer.config.Drafts;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;

/**
 * Everything one peer is told at start, as an immutable record: {@link #of}, then copies made with
 * {@link #with} ({@code with(d -> d.port = 7000)}) or the named ones below.
 *
 * @param identity the peer's key pair; its fingerprint is the peer id
 * @param listenHost address to accept links on (0.0.0.0: every interface)
 * @param port listening port; 0 picks a free one
 * @param trackers the trackers to register with, every one of them; empty: no tracker (peers are
 *     given by {@link PeerNode#dial}, the cache and LAN discovery)
 * @param hostTracker if no tracker answers at the one tracker address, bind one there in-process
 *     (default mode only; an explicit --tracker never hosts)
 * @param trackerRetryMinMs first delay before retrying the tracker; doubles up to the max
 * @param membershipConfig the link cap, the redial backoff and the membership rounds
 * @param peerCache file of the peers met before (see {@code PeerCache}), dialed at start so the
 *     room is found without a tracker; null: no cache
 * @param roomKey a private room's key: then {@code room} is the key's room id, which is all the
 *     tracker and the wire ever see; null in an open room
 * @param seed every random choice the peer makes (sync jitter, membership, tracker retry jitter)
 *     comes from generators seeded with this, so a run with a given seed is replayable as far as
 *     the network allows; {@link #of} draws a fresh one
 */
public record PeerConfig(
    String room,
    String nick,
    Identity identity,
    String listenHost,
    int port,
    List<InetSocketAddress> trackers,
    boolean hostTracker,
    long trackerRetryMinMs,
    long trackerRetryMaxMs,
    RoomConfig roomConfig,
    LinkConfig linkConfig,
    MembershipConfig membershipConfig,
    Path peerCache,
    RoomKey roomKey,
    long seed) {

  public PeerConfig {
    trackers = List.copyOf(trackers);
    if (hostTracker && trackers.size() != 1) {
      throw new IllegalArgumentException("only a peer with one tracker address may host it");
    }
  }

  /** The peer id: the fingerprint of {@link #identity}'s public key. */
  public PeerId self() {
    return identity.peerId();
  }

  /** A peer on loopback, any port, no tracker, production timings. */
  public static PeerConfig of(String room, String nick, Identity identity) {
    Draft d = new Draft();
    d.room = room;
    d.nick = nick;
    d.identity = identity;
    return Drafts.build(PeerConfig.class, d);
  }

  /** One tracker ({@code null}: none); {@code mayHost}: host it here if none answers. */
  public PeerConfig withTracker(InetSocketAddress address, boolean mayHost) {
    return withTrackers(address == null ? List.of() : List.of(address), mayHost);
  }

  /** A copy with {@code change} made to a draft of this config ({@link Drafts}). */
  public PeerConfig with(Consumer<Draft> change) {
    return Drafts.derive(this, new Draft(), change);
  }

  public PeerConfig withListen(String host, int port) {
    return with(
        d -> {
          d.listenHost = host;
          d.port = port;
        });
  }

  /** Several trackers: this peer registers with each and merges what they say. */
  public PeerConfig withTrackers(List<InetSocketAddress> addresses, boolean mayHost) {
    return with(
        d -> {
          d.trackers = addresses;
          d.hostTracker = mayHost;
        });
  }

  public PeerConfig withTrackerRetry(long minMs, long maxMs) {
    return with(
        d -> {
          d.trackerRetryMinMs = minMs;
          d.trackerRetryMaxMs = maxMs;
        });
  }

  /** A private room: {@code room} becomes the key's room id (the name never leaves this peer). */
  public PeerConfig withRoomKey(RoomKey k) {
    return with(
        d -> {
          d.room = k.roomId();
          d.roomKey = k;
        });
  }

  /**
   * A peer's room settings: the core's defaults, but a SyncRequest asks for (and an answer holds)
   * up to 2,048 messages instead of 512, in frames of up to 768 KiB of messages instead of 256 (by
   * {@link meshchat.peer.message.ChatMessage#frameBytesBound}, which counts a 100-character line
   * with one dependency as 346 bytes: 2,048 of them still go in one frame, where a second frame
   * would repeat the runs' extensions up to their heads). A catch-up's cost per frame (a request
   * and its answer, a store statement and commit, a head checked per author, a hop to the verify
   * pool and back, a loop the JIT compiles late) is then paid a quarter as often: 1,024 a request
   * took 7 % less CPU than 512 (docs/benchmarks.md, session 16), 2,048 in one frame 9 % less than
   * 1,024 (session 21; the frame budget counted 3 bytes a character before, so 2,048 did not fit).
   * A batch stays within the frame limit by {@code ChainedChunk}'s own bound (896 KiB, heads
   * included). A peer answers at most its own number, so peers of either size interoperate. The
   * simulation keeps the core's 512. A link's first request asks for 256 (a slow start: its answer
   * is the first use of the answering, checking and storing code in a fresh JVM, and the receiver
   * works on it while the full-size requests behind it are answered; session 22).
   */
  public static final RoomConfig ROOM_DEFAULTS =
      RoomConfig.defaults()
          .with(
              d -> {
                d.syncMaxMessages = 2_048;
                d.batchMaxBytes = 768 * 1024;
                d.syncFirstMessages = 256;
              });

  /**
   * The fields of a PeerConfig, each at its named default: change some in {@link #with}, or read
   * the defaults here.
   */
  public static final class Draft {
    public String room = null;
    public String nick = null;
    public Identity identity = null;
    public String listenHost = "127.0.0.1";
    public int port = 0;
    public List<InetSocketAddress> trackers = List.of();
    public boolean hostTracker = false;
    public long trackerRetryMinMs = 200;
    public long trackerRetryMaxMs = 5_000;
    public RoomConfig roomConfig = ROOM_DEFAULTS;
    public LinkConfig linkConfig = LinkConfig.defaults();
    public MembershipConfig membershipConfig = MembershipConfig.defaults();
    public Path peerCache = null;
    public RoomKey roomKey = null;
    public long seed = new SecureRandom().nextLong();
  }
}
