/**
 * ② Link: one TCP connection per pair of peers in a room. This package holds the narrow view the
 * runtime needs ({@link meshchat.peer.link.Link}, {@link meshchat.peer.link.LinkEvents}, {@link
 * meshchat.peer.link.LinkConfig}); {@code link.netty} implements it: listening, dialing, the Hello
 * handshake, liveness by Ping/Pong, and frame errors turned into Close (docs/protocol.md).
 */
package meshchat.peer.link;
