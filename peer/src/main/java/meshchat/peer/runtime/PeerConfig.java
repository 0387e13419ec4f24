package meshchat.peer.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;

/**
 * Everything one peer is told at start, as an immutable record: {@link #of}, then {@code withX}
 * copies or {@link #toBuilder()}.
 *
 * @param identity the peer's key pair; its fingerprint is the peer id
 * @param listenHost address to accept links on (0.0.0.0: every interface)
 * @param port listening port; 0 picks a free one
 * @param trackers the trackers to register with, every one of them; empty: no tracker (peers are
 *     given by {@link PeerNode#dial}, the cache and LAN discovery)
 * @param hostTracker if no tracker answers at the one tracker address, bind one there in-process
 *     (default mode only; an explicit --tracker never hosts)
 * @param trackerRetryMinMs first delay before retrying the tracker; doubles up to the max
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
    return new Builder().room(room).nick(nick).identity(identity).build();
  }

  /** One tracker ({@code null}: none); {@code mayHost}: host it here if none answers. */
  public PeerConfig withTracker(InetSocketAddress address, boolean mayHost) {
    return withTrackers(address == null ? List.of() : List.of(address), mayHost);
  }

  /** A builder holding this config's values, to change several at once. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.room = room;
    b.nick = nick;
    b.identity = identity;
    b.listenHost = listenHost;
    b.port = port;
    b.trackers = trackers;
    b.hostTracker = hostTracker;
    b.trackerRetryMinMs = trackerRetryMinMs;
    b.trackerRetryMaxMs = trackerRetryMaxMs;
    b.roomConfig = roomConfig;
    b.linkConfig = linkConfig;
    b.peerCache = peerCache;
    b.roomKey = roomKey;
    b.seed = seed;
    return b;
  }

  public PeerConfig withListen(String host, int port) {
    return toBuilder().listenHost(host).port(port).build();
  }

  /** Several trackers: this peer registers with each and merges what they say. */
  public PeerConfig withTrackers(List<InetSocketAddress> addresses, boolean mayHost) {
    return toBuilder().trackers(addresses).hostTracker(mayHost).build();
  }

  public PeerConfig withTrackerRetry(long minMs, long maxMs) {
    return toBuilder().trackerRetryMinMs(minMs).trackerRetryMaxMs(maxMs).build();
  }

  public PeerConfig withRoomConfig(RoomConfig v) {
    return toBuilder().roomConfig(v).build();
  }

  public PeerConfig withLinkConfig(LinkConfig v) {
    return toBuilder().linkConfig(v).build();
  }

  public PeerConfig withPeerCache(Path file) {
    return toBuilder().peerCache(file).build();
  }

  public PeerConfig withSeed(long v) {
    return toBuilder().seed(v).build();
  }

  /** A private room: {@code room} becomes the key's room id (the name never leaves this peer). */
  public PeerConfig withRoomKey(RoomKey k) {
    return toBuilder().room(k.roomId()).roomKey(k).build();
  }

  /** A mutable copy of the fields, starting at the named defaults. */
  public static final class Builder {
    private String room = null;
    private String nick = null;
    private Identity identity = null;
    private String listenHost = "127.0.0.1";
    private int port = 0;
    private List<InetSocketAddress> trackers = List.of();
    private boolean hostTracker = false;
    private long trackerRetryMinMs = 200;
    private long trackerRetryMaxMs = 5_000;
    private RoomConfig roomConfig = RoomConfig.defaults();
    private LinkConfig linkConfig = LinkConfig.defaults();
    private Path peerCache = null;
    private RoomKey roomKey = null;
    private long seed = new SecureRandom().nextLong();

    public Builder room(String v) {
      room = v;
      return this;
    }

    public Builder nick(String v) {
      nick = v;
      return this;
    }

    public Builder identity(Identity v) {
      identity = v;
      return this;
    }

    public Builder listenHost(String v) {
      listenHost = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder trackers(List<InetSocketAddress> v) {
      trackers = v;
      return this;
    }

    public Builder hostTracker(boolean v) {
      hostTracker = v;
      return this;
    }

    public Builder trackerRetryMinMs(long v) {
      trackerRetryMinMs = v;
      return this;
    }

    public Builder trackerRetryMaxMs(long v) {
      trackerRetryMaxMs = v;
      return this;
    }

    public Builder roomConfig(RoomConfig v) {
      roomConfig = v;
      return this;
    }

    public Builder linkConfig(LinkConfig v) {
      linkConfig = v;
      return this;
    }

    public Builder peerCache(Path v) {
      peerCache = v;
      return this;
    }

    public Builder roomKey(RoomKey v) {
      roomKey = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public PeerConfig build() {
      return new PeerConfig(
          room,
          nick,
          identity,
          listenHost,
          port,
          trackers,
          hostTracker,
          trackerRetryMinMs,
          trackerRetryMaxMs,
          roomConfig,
          linkConfig,
          peerCache,
          roomKey,
          seed);
    }
  }
}
