package meshchat.peer.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.RoomConfig;

/**
 * Everything one peer is told at start, as an immutable record with {@code withX} copies.
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
    RoomKey roomKey) {

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
    return new PeerConfig(
        room,
        nick,
        identity,
        "127.0.0.1",
        0,
        List.of(),
        false,
        200,
        5_000,
        RoomConfig.defaults(),
        LinkConfig.defaults(),
        null,
        null);
  }

  public PeerConfig withListen(String host, int port) {
    return new PeerConfig(
        room,
        nick,
        identity,
        host,
        port,
        trackers,
        hostTracker,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        roomConfig,
        linkConfig,
        peerCache,
        roomKey);
  }

  /** One tracker ({@code null}: none); {@code mayHost}: host it here if none answers. */
  public PeerConfig withTracker(InetSocketAddress address, boolean mayHost) {
    return withTrackers(address == null ? List.of() : List.of(address), mayHost);
  }

  /** Several trackers: this peer registers with each and merges what they say. */
  public PeerConfig withTrackers(List<InetSocketAddress> addresses, boolean mayHost) {
    return new PeerConfig(
        room,
        nick,
        identity,
        listenHost,
        port,
        addresses,
        mayHost,
        trackerRetryMinMs,
        trackerRetryMaxMs,
        roomConfig,
        linkConfig,
        peerCache,
        roomKey);
  }

  public PeerConfig withTrackerRetry(long minMs, long maxMs) {
    return new PeerConfig(
        room,
        nick,
        identity,
        listenHost,
        port,
        trackers,
        hostTracker,
        minMs,
        maxMs,
        roomConfig,
        linkConfig,
        peerCache,
        roomKey);
  }

  public PeerConfig withRoomConfig(RoomConfig v) {
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
        v,
        linkConfig,
        peerCache,
        roomKey);
  }

  public PeerConfig withLinkConfig(LinkConfig v) {
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
        v,
        peerCache,
        roomKey);
  }

  public PeerConfig withPeerCache(Path file) {
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
        file,
        roomKey);
  }

  /** A private room: {@code room} becomes the key's room id (the name never leaves this peer). */
  public PeerConfig withRoomKey(RoomKey k) {
    return new PeerConfig(
        k.roomId(),
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
        k);
  }
}
