package meshchat.peer.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;

/**
 * Everything one peer is told at start, as an immutable record with {@code withX} copies.
 *
 * @param listenHost address to accept links on (0.0.0.0: every interface)
 * @param port listening port; 0 picks a free one
 * @param tracker where the tracker is; null: no tracker (peers are given by {@link PeerNode#dial})
 * @param hostTracker if no tracker answers at {@code tracker}, bind one there in-process (default
 *     mode only; an explicit --tracker never hosts)
 * @param trackerRetryMinMs first delay before retrying the tracker; doubles up to the max
 * @param peerCache file of the peers met before (see {@code PeerCache}), dialed at start so the
 *     room is found without a tracker; null: no cache
 */
public record PeerConfig(
    String room,
    String nick,
    PeerId self,
    String listenHost,
    int port,
    InetSocketAddress tracker,
    boolean hostTracker,
    long trackerRetryMinMs,
    long trackerRetryMaxMs,
    RoomConfig roomConfig,
    LinkConfig linkConfig,
    Path peerCache) {

  /** A peer on loopback, any port, no tracker, production timings. */
  public static PeerConfig of(String room, String nick, PeerId self) {
    return new PeerConfig(
        room,
        nick,
        self,
        "127.0.0.1",
        0,
        null,
        false,
        200,
        5_000,
        RoomConfig.defaults(),
        LinkConfig.defaults(),
        null);
  }

  public PeerConfig withListen(String host, int port) {
    return new PeerConfig(
        room,
        nick,
        self,
        host,
        port,
        tracker,
        hostTracker,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        roomConfig,
        linkConfig,
        peerCache);
  }

  public PeerConfig withTracker(InetSocketAddress address, boolean mayHost) {
    return new PeerConfig(
        room,
        nick,
        self,
        listenHost,
        port,
        address,
        mayHost,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        roomConfig,
        linkConfig,
        peerCache);
  }

  public PeerConfig withTrackerRetry(long minMs, long maxMs) {
    return new PeerConfig(
        room,
        nick,
        self,
        listenHost,
        port,
        tracker,
        hostTracker,
        minMs,
        maxMs,
        roomConfig,
        linkConfig,
        peerCache);
  }

  public PeerConfig withRoomConfig(RoomConfig v) {
    return new PeerConfig(
        room,
        nick,
        self,
        listenHost,
        port,
        tracker,
        hostTracker,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        v,
        linkConfig,
        peerCache);
  }

  public PeerConfig withLinkConfig(LinkConfig v) {
    return new PeerConfig(
        room,
        nick,
        self,
        listenHost,
        port,
        tracker,
        hostTracker,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        roomConfig,
        v,
        peerCache);
  }

  public PeerConfig withPeerCache(Path file) {
    return new PeerConfig(
        room,
        nick,
        self,
        listenHost,
        port,
        tracker,
        hostTracker,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        roomConfig,
        linkConfig,
        file);
  }
}
