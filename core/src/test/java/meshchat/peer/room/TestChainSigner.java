package meshchat.peer.room;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;

/**
 * A hash chain for core tests: SHA-256 over the fields that matter here, and a "signature" that is
 * a hash too (the core never verifies; the frame layer does, with Ed25519). Enough to check that
 * the room links, signs and sends heads where a receiver needs them.
 */
final class TestChainSigner implements MessageSigner {
  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] chainHash(ChatMessage m) {
    return sha256(
        m.origin().toBytes(),
        ByteBuffer.allocate(16).putLong(m.seq()).putLong(m.lamport()).array(),
        m.text().getBytes(StandardCharsets.UTF_8),
        m.prev());
  }

  @Override
  public byte[] hash(ChatMessage m) {
    return chainHash(m);
  }

  @Override
  public ChainHead signHead(PeerId origin, long seq, byte[] hash) {
    byte[] sig = Arrays.copyOf(sha256(origin.toBytes(), hash), 64);
    return new ChainHead(origin, seq, hash, sig, new byte[32]);
  }
}
