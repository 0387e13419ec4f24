package meshchat.testkit.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;

/**
 * A hash chain for simulated rooms that need one (a run with an equivocating member): SHA-256 over
 * every field a message carries and its {@code prev}, and a "signature" that is a hash too. Nothing
 * in the core verifies (the frame layer does, with Ed25519, and the simulation has none), so this
 * keeps runs fast and deterministic while two versions of a message still hash apart.
 */
public final class SimChainSigner implements MessageSigner {
  @Override
  public byte[] hash(ChatMessage m) {
    MessageDigest d = sha256();
    d.update(m.origin().toBytes());
    d.update(
        ByteBuffer.allocate(24)
            .putLong(m.seq())
            .putLong(m.lamport())
            .putLong(m.wallTimeMs())
            .array());
    d.update(m.nick().getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
    d.update(m.text().getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
    for (MessageId dep : m.deps()) {
      d.update(dep.origin().toBytes());
      d.update(ByteBuffer.allocate(8).putLong(dep.seq()).array());
    }
    d.update(m.prev());
    return d.digest();
  }

  @Override
  public ChainHead signHead(PeerId origin, long seq, byte[] hash) {
    MessageDigest d = sha256();
    d.update(origin.toBytes());
    d.update(hash);
    return new ChainHead(origin, seq, hash, Arrays.copyOf(d.digest(), 64), new byte[32]);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
