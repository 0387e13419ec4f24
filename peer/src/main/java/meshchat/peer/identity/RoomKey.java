package meshchat.peer.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of a private room, derived from its name and a shared secret (docs/security.md):
 *
 * <pre>
 *   K       = PBKDF2-HMAC-SHA256(password = secret, salt = "meshchat/room/v1:" ‖ name,
 *                                iterations = 210,000, length = 32 bytes)     (RFC 8018 §5.2)
 *   room id = hex(HMAC-SHA256(K, "room-id"))[0..32]   what the tracker and Hellos see
 *   K_mac   = HMAC-SHA256(K, "hello-mac")             proves the secret in the handshake
 *   K_enc   = HMAC-SHA256(K, "body-enc")              AES-256-GCM key of message bodies
 * </pre>
 *
 * Each subkey is plain HMAC-SHA256(K, label), with no counter byte (so not HKDF-Expand, RFC 5869
 * §2.3, whose first block appends 0x01); distinct labels make the tracker's room id reveal nothing
 * about the keys. 210,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256: a guess of the
 * secret costs an attacker as much as a start.
 */
public final class RoomKey {
  public static final int ITERATIONS = 210_000;
  private static final HexFormat HEX = HexFormat.of();

  private final String name;
  private final String roomId;
  private final byte[] macKey;
  private final byte[] encKey;

  private RoomKey(String name, byte[] k) {
    this.name = name;
    this.roomId = "p-" + HEX.formatHex(hmac(k, "room-id"), 0, 16);
    this.macKey = hmac(k, "hello-mac");
    this.encKey = hmac(k, "body-enc");
    Arrays.fill(k, (byte) 0);
  }

  /** Derives the key; takes about a quarter of a second on purpose. */
  public static RoomKey derive(String roomName, char[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("the room secret is empty");
    }
    try {
      byte[] salt = ("meshchat/room/v1:" + roomName).getBytes(StandardCharsets.UTF_8);
      PBEKeySpec spec = new PBEKeySpec(secret, salt, ITERATIONS, 256);
      byte[] k =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      spec.clearPassword();
      return new RoomKey(roomName, k);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
    }
  }

  /** The room's name, as the user typed it; never leaves this peer. */
  public String name() {
    return name;
  }

  /** The room as the tracker and the link protocol see it: {@code p-} and 32 hex digits. */
  public String roomId() {
    return roomId;
  }

  /** The handshake MAC of {@code transcript}. */
  public byte[] mac(byte[] transcript) {
    return hmac(macKey, transcript);
  }

  /** Constant-time check of a handshake MAC. */
  public boolean macMatches(byte[] transcript, byte[] mac) {
    return MessageDigest.isEqual(mac(transcript), mac);
  }

  byte[] encKey() {
    return encKey;
  }

  private static byte[] hmac(byte[] key, String label) {
    return hmac(key, label.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "RoomKey[" + roomId + "]"; // never the keys
  }
}
