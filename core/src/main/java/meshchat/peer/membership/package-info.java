/**
 * Which peers to be linked to, decided without I/O: {@link meshchat.peer.membership.Membership}
 * owns the link table, the tie-break between two connections to one peer, redial with backoff, the
 * use of tracker members, the peer cache and peer exchange, and the cap on links. Like the room it
 * takes events as calls and emits effects through {@link
 * meshchat.peer.membership.MembershipEffects}; the Netty runtime and the simulation drive the same
 * class. See docs/architecture.md, "Membership".
 */
package meshchat.peer.membership;
