package meshchat.peer.message;

/**
 * Signs a message the local peer authors, before it is stored or sent. The core knows only this
 * interface; {@code meshchat.peer.identity.MessageSigning} signs with the peer's Ed25519 key, and
 * the simulation uses {@link #NONE} so that it stays fast and deterministic (nothing in the core
 * verifies: verification happens where messages enter from the network, in the frame layer).
 */
@FunctionalInterface
public interface MessageSigner {
  MessageSigner NONE = m -> m;

  ChatMessage sign(ChatMessage unsigned);
}
