package meshchat.peer.identity;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;

/**
 * End-to-end encryption of a private room's message bodies (nick and text) with AES-256-GCM (NIST
 * SP 800-38D), as {@code sealed = nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)}.
 *
 * <p>The associated data is the message id and the room id, so a body cannot be moved to another
 * message. The nonce is synthetic: the first 12 bytes of HMAC-SHA256(K_enc, origin ‖ seq ‖
 * plaintext), the idea of SIV (RFC 5297, RFC 8452). (origin, seq) alone would already never repeat
 * for an honest author, who never reuses a seq; deriving the nonce from the plaintext as well means
 * that even an author who does reuse one (a restored backup, a malicious fork) repeats a nonce only
 * with the same plaintext, which yields the same ciphertext and reveals nothing but equality. GCM's
 * catastrophic failure, two plaintexts under one nonce, therefore cannot happen. Sealing is
 * deterministic, so a relay that re-encodes a message produces the same bytes.
 */
public final class SealedBody {
  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  /**
   * A message's nick and text, as sealed, with the byte lengths they had in the plaintext (so a
   * reader checks them against the wire bounds without encoding them again).
   */
  public record Body(String nick, String text, int nickBytes, int textBytes) {}

  private SealedBody() {}

  public static byte[] seal(RoomKey key, PeerId origin, long seq, String nick, String text) {
    byte[] nickBytes = nick.getBytes(StandardCharsets.UTF_8);
    byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] plain =
        ByteBuffer.allocate(4 + nickBytes.length + textBytes.length)
            .putInt(nickBytes.length)
            .put(nickBytes)
            .put(textBytes)
            .array();
    byte[] nonce =
        Arrays.copyOf(
            RoomKey.hmac(
                key.encKey(),
                CanonicalBytes.of("meshchat/nonce/v1")
                    .bytes(origin.toBytes())
                    .u64(seq)
                    .bytes(plain)
                    .toByteArray()),
            NONCE_BYTES);
    byte[] ct = cipher(Cipher.ENCRYPT_MODE, key, nonce, origin, seq).doFinalUnchecked(plain);
    byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + ct.length);
    System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
    return out;
  }

  /**
   * Opens a sealed body.
   *
   * @throws IllegalArgumentException if it was not sealed with this room's key for this message
   */
  public static Body open(RoomKey key, PeerId origin, long seq, byte[] sealed) {
    if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("sealed body of " + sealed.length + " bytes is too short");
    }
    byte[] nonce = Arrays.copyOf(sealed, NONCE_BYTES);
    byte[] plain;
    try {
      plain =
          cipher(Cipher.DECRYPT_MODE, key, nonce, origin, seq)
              .cipher
              .doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new IllegalArgumentException("the sealed body does not open with this room's key");
    } catch (GeneralSecurityException e) {
      // the JCE's text names our provider's internals: the peer reads a fixed reason
      throw new IllegalArgumentException("the sealed body is malformed");
    }
    if (plain.length < 4) {
      // no room for the nick's length: a member sealed 0-3 bytes (rev38 FINDING-6; getInt threw
      // BufferUnderflowException, which the link took for our bug, not the member's bad message)
      throw new IllegalArgumentException("the sealed body is malformed");
    }
    ByteBuffer b = ByteBuffer.wrap(plain);
    int nickLength = b.getInt();
    if (nickLength < 0 || nickLength > b.remaining()) {
      throw new IllegalArgumentException("the sealed body is malformed");
    }
    int textLength = plain.length - 4 - nickLength;
    // strict UTF-8, as proto3 takes an open room's strings: a lenient decode took each malformed
    // byte as U+FFFD (3 bytes), so a nick sealed within its bound was taken 3x over it, and every
    // honest peer that relayed or served the line re-sealed had its link closed (rev37 FINDING-1)
    String nick = utf8(plain, 4, nickLength);
    String text = utf8(plain, 4 + nickLength, textLength);
    return new Body(nick, text, nickLength, textLength);
  }

  /**
   * {@code b}'s bytes as strict UTF-8. The JDK's decode is fast, and puts U+FFFD for a malformed
   * byte: only a string holding one (rare: sent as such, or a malformed byte) is decoded again
   * strictly.
   */
  private static String utf8(byte[] b, int from, int length) {
    String fast = new String(b, from, length, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, from, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the sealed body is not UTF-8");
    }
  }

  private record Gcm(Cipher cipher) {
    byte[] doFinalUnchecked(byte[] in) {
      try {
        return cipher.doFinal(in);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM failed", e);
      }
    }
  }

  private static Gcm cipher(int mode, RoomKey key, byte[] nonce, PeerId origin, long seq) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key.encKey(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(
          CanonicalBytes.of("meshchat/body/v1")
              .string(key.roomId())
              .bytes(origin.toBytes())
              .u64(seq)
              .toByteArray());
      return new Gcm(c);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks AES-GCM", e);
    }
  }
}
