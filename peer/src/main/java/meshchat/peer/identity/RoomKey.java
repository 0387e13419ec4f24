package meshchat.peer.identity;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The key of a private room, derived from its name and a shared secret (docs/security.md):
 *
 * <pre>
 *   K       = Argon2id(password = secret, salt = "meshchat/room/v2:" ‖ name, t = 2,
 *                      m = 19,456 KiB, p = 1, length = 32 bytes)           (RFC 9106)
 *   room id = hex(HMAC-SHA256(K, "room-id"))[0..32]   what the tracker and Hellos see
 *   K_pake  = HMAC-SHA256(K, "pake")                  the J-PAKE password (PakeSession)
 *   K_enc   = HMAC-SHA256(K, "body-enc")              AES-256-GCM key of message bodies
 * </pre>
 *
 * Each subkey is plain HMAC-SHA256(K, label), with no counter byte (so not HKDF-Expand, RFC 5869
 * §2.3, whose first block appends 0x01); distinct labels make the tracker's room id reveal nothing
 * about the keys. Argon2id is memory-hard: each guess of the secret needs 19 MiB written and read
 * twice, so GPUs and ASICs gain little over the member's own CPU. The parameters are the first of
 * OWASP's Argon2id configurations (m = 19 MiB, t = 2, p = 1); a process with a 96 MiB heap runs it.
 */
public final class RoomKey {
  /** Argon2id passes over memory (t). */
  public static final int ITERATIONS = 2;

  /** Argon2id memory in KiB (m): 19 MiB. */
  public static final int MEMORY_KIB = 19 * 1024;

  /** Argon2id lanes (p). */
  public static final int PARALLELISM = 1;

  /** The salt's prefix; the room name follows. */
  public static final String SALT_PREFIX = "meshchat/room/v2:";

  private static final HexFormat HEX = HexFormat.of();

  private final String name;
  private final String roomId;
  private final byte[] encKey;
  private final byte[] pakeKey;
  private final byte[] macKey;

  private RoomKey(String name, byte[] k) {
    this.name = name;
    this.roomId = "p-" + HEX.formatHex(hmac(k, "room-id"), 0, 16);
    this.encKey = hmac(k, "body-enc");
    this.pakeKey = hmac(k, "pake");
    this.macKey = hmac(k, "hello-mac");
    Arrays.fill(k, (byte) 0);
  }

  /** Derives the key; costs tens of milliseconds and 19 MiB on purpose. */
  public static RoomKey derive(String roomName, char[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("the room secret is empty");
    }
    return new RoomKey(roomName, argon2id(roomName, secret));
  }

  /** K itself (docs/security.md), for the derivation above and its test vectors. */
  static byte[] argon2id(String roomName, char[] secret) {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withIterations(ITERATIONS)
            .withMemoryAsKB(MEMORY_KIB)
            .withParallelism(PARALLELISM)
            .withSalt((SALT_PREFIX + roomName).getBytes(StandardCharsets.UTF_8))
            .build());
    ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
    byte[] exact = new byte[utf8.remaining()];
    utf8.get(exact);
    Arrays.fill(utf8.array(), (byte) 0);
    byte[] k = new byte[32];
    g.generateBytes(exact, k);
    Arrays.fill(exact, (byte) 0);
    return k;
  }

  /** The room's name, as the user typed it; never leaves this peer. */
  public String name() {
    return name;
  }

  /** The room as the tracker and the link protocol see it: {@code p-} and 32 hex digits. */
  public String roomId() {
    return roomId;
  }

  /**
   * HMAC-SHA256 of {@code data} under K_mac = HMAC-SHA256(K, "hello-mac"): tags only members can
   * make (LAN announcements). Never sent where a non-member could test guesses against it.
   */
  public byte[] mac(byte[] data) {
    return hmac(macKey, data);
  }

  /** The J-PAKE password: K_pake = HMAC-SHA256(K, "pake") as 64 lowercase hex digits. */
  char[] pakePassword() {
    return HEX.formatHex(pakeKey).toCharArray();
  }

  byte[] encKey() {
    return encKey;
  }

  private static byte[] hmac(byte[] key, String label) {
    return hmac(key, label.getBytes(StandardCharsets.US_ASCII));
  }

  /** HMAC-SHA256 of {@code data} under {@code key}: every key this room derives, and LAN tags. */
  public static byte[] hmac(byte[] key, byte[] data) {
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
