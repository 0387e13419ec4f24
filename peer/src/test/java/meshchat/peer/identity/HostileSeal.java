package meshchat.peer.identity;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;

/**
 * What a hostile member (it holds the room's key) can seal: any plaintext bytes, under the room's
 * K_enc and the AAD {@link SealedBody#seal} uses, so the body opens and only its contents are
 * wrong. The nonce is fixed; a receiver never checks how it was made.
 */
final class HostileSeal {
  private HostileSeal() {}

  static byte[] seal(RoomKey key, PeerId origin, long seq, byte[] plain) throws Exception {
    byte[] nonce = new byte[SealedBody.NONCE_BYTES];
    nonce[0] = 7;
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(key.encKey(), "AES"),
        new GCMParameterSpec(128, nonce));
    c.updateAAD(
        CanonicalBytes.of("meshchat/body/v1")
            .string(key.roomId())
            .bytes(origin.toBytes())
            .u64(seq)
            .toByteArray());
    byte[] ct = c.doFinal(plain);
    byte[] out = Arrays.copyOf(nonce, nonce.length + ct.length);
    System.arraycopy(ct, 0, out, nonce.length, ct.length);
    return out;
  }
}
