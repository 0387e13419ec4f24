package meshchat.tracker;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import meshchat.tracker.client.RegistrationKey;
import meshchat.wire.Ed25519;

/** An Ed25519 key pair and the peer id it implies, as a peer registering at a tracker has. */
final class TestKeys {
  final KeyPair pair;
  final byte[] raw;
  final byte[] id;

  TestKeys() {
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    raw = Ed25519.raw(pair.getPublic());
    id = Ed25519.fingerprint(raw);
  }

  byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(data);
      return s.sign();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  RegistrationKey key() {
    return new RegistrationKey(raw, this::sign);
  }
}
