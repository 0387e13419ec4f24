/**
 * ③ Frame: wire ⇄ domain. {@link meshchat.peer.frame.LinkCodec} turns each decoded {@code
 * LinkFrame} into a validated {@code LinkMessage} record and back; it is the only class of the peer
 * that imports the generated link classes (docs/protocol.md, "Link protocol").
 */
package meshchat.peer.frame;
