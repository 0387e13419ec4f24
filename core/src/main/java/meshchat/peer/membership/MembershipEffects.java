package meshchat.peer.membership;

import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * What membership asks of the world. The runtime maps connections to Netty links and the tracker
 * session; the simulation to its network and tracker model. Called on the room's thread;
 * implementations must not block and must not call back into {@link Membership} synchronously.
 */
public interface MembershipEffects {
  /** Open a connection to {@code address}; report {@link Membership#dialEnded} when it settles. */
  void dial(PeerAddress address);

  /**
   * Send a membership message on the link to {@code peer} (linked: {@link #linkUp} reported it).
   * Its order relative to the room's frames on that link does not matter, except that one sent
   * before {@link #linkUp} must reach the peer before the room's first frames.
   */
  void send(PeerId peer, LinkMessage.ViewMessage message);

  /** Close connection {@code connection}, telling the peer why. */
  void close(long connection, Close reason);

  /**
   * Whether {@code connection} is still open. Its close is reported through {@link
   * Membership#disconnected}; this is asked only when a new connection to the same peer arrives, so
   * that a link whose close report never came cannot refuse every later connection as a duplicate.
   */
  default boolean open(long connection) {
    return true;
  }

  /** {@code connection} is now the one link to its peer: hand it to the room. */
  void linkUp(long connection, PeerAddress address);

  /** The link to {@code peer} is gone: take it from the room. */
  void linkDown(PeerId peer);

  /** Tell the user: {@code peer} joined (a first link, not a swap of connections). */
  void peerUp(PeerId peer, String nick);

  /** Tell the user: {@code peer} is gone. */
  void peerDown(PeerId peer, String nick);

  /**
   * What the per-source bounds count {@code address} (the far end of a connection) against: the
   * runtime's {@code SourceKey} of its host (the IPv4 address, or the IPv6 /64), the simulation's
   * one host per peer. Two peers of one source share its {@link MembershipConfig#sourceCap}.
   */
  default String sourceOf(PeerAddress address) {
    return address.host();
  }

  /**
   * The coarser network {@code address} belongs to, which accepted links are also shared by ({@link
   * MembershipConfig#groupCap}): the runtime's {@code NetGroup} of its host (a public IPv4 /16 or
   * IPv6 /32, as Bitcoin Core groups peers; a private, loopback or link-local address is its own
   * source), the simulation's one network per peer. By default the source itself.
   */
  default String groupOf(PeerAddress address) {
    return sourceOf(address);
  }

  /**
   * A peer worth keeping across restarts (the peer cache): a tracker member, or a peer whose link
   * stayed up {@link MembershipConfig#rememberAfterMs}.
   */
  void remember(PeerAddress address);

  /**
   * Links are wanted and no candidate is left: ask the tracker for (more) members, which come back
   * through {@link Membership#membersFound}. The runtime's tracker pushes joins on its own and may
   * ignore this; the simulated tracker answers only when asked.
   */
  void askForMembers();
}
