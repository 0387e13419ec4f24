/**
 * Who a peer is, before any step of the flow: its Ed25519 key pair, kept in the data directory, and
 * the peer id that is the key's fingerprint; the canonical encoding every chat message is signed
 * over; and the key derivation of private rooms. Pure Java (JDK crypto), no Netty: the core sees
 * only {@link meshchat.peer.message.MessageSigner}; the frame layer verifies. See docs/security.md.
 */
package meshchat.peer.identity;
