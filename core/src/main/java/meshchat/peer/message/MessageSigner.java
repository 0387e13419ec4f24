package meshchat.peer.message;

/**
 * The author's side of the hash chain: the hash that links each message to the next, and the
 * signature over a chain head. The core knows only this interface; {@code
 * meshchat.peer.identity.MessageSigning} hashes with SHA-256 and signs with the peer's Ed25519 key,
 * and the simulation uses {@link #NONE} so that it stays fast and deterministic (nothing in the
 * core verifies: verification happens where messages enter from the network, in the frame layer).
 */
public interface MessageSigner {
  MessageSigner NONE =
      new MessageSigner() {
        @Override
        public byte[] hash(ChatMessage m) {
          return new byte[0];
        }

        @Override
        public ChainHead signHead(PeerId origin, long seq, byte[] hash) {
          return null;
        }
      };

  /**
   * The chain hash of {@code m} (which covers its {@code prev}); empty if this signer chains not.
   */
  byte[] hash(ChatMessage m);

  /** The author's signed head for its message {@code seq} of chain hash {@code hash}; or null. */
  ChainHead signHead(PeerId origin, long seq, byte[] hash);
}
