package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;
import org.junit.jupiter.api.Test;

/**
 * rev38: a member (it holds the room key, so the body opens) seals a plaintext shorter than the
 * 4-byte nick length. {@code SealedBody.open} reads it with {@code ByteBuffer.getInt()}, which
 * throws {@code BufferUnderflowException}, not the {@code IllegalArgumentException} every caller
 * turns into {@code Close{INVALID_MESSAGE}} (LinkCodec, LinkFrameReader catch only that): the frame
 * reader's failure is a bug of ours to LinkErrors ("internal error", PROTOCOL_ERROR, BAD_FRAME) and
 * the peer's input is not refused as what it is.
 */
class Rev38SealedShortPlainTest {
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());

  @Test
  void aSealedPlaintextShorterThanItsLengthPrefixIsRefusedAsMalformed() throws Exception {
    PeerId origin = Identity.generate().peerId();
    long seq = 1;
    byte[] plain = {0, 1}; // two bytes: no room for the 4-byte nick length
    byte[] nonce = new byte[SealedBody.NONCE_BYTES];
    Arrays.fill(nonce, (byte) 7);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(KEY.encKey(), "AES"),
        new GCMParameterSpec(128, nonce));
    c.updateAAD(
        CanonicalBytes.of("meshchat/body/v1")
            .string(KEY.roomId())
            .bytes(origin.toBytes())
            .u64(seq)
            .toByteArray());
    byte[] ct = c.doFinal(plain);
    byte[] sealed = Arrays.copyOf(nonce, nonce.length + ct.length);
    System.arraycopy(ct, 0, sealed, nonce.length, ct.length);

    assertThatThrownBy(() -> SealedBody.open(KEY, origin, seq, sealed))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
