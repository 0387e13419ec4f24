package meshchat.peer.discovery;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.PeerId;

/**
 * What a peer puts in its mDNS TXT record, and how another member reads it back (docs/protocol.md,
 * "LAN discovery"). Everything is derived from a LAN key and the current ten-minute epoch:
 *
 * <pre>
 *   K_lan   = SHA-256("meshchat/lan/v1/open:" ‖ room)         an open room (its name is public)
 *           = HMAC-SHA256(K_mac, "meshchat/lan/v1")           a private room (docs/security.md)
 *   epoch   = floor(unix seconds / 600)
 *   r       = hex(HMAC(K_lan, "room" ‖ epoch))[0..16]         which room, this epoch
 *   n       = 8 random bytes, hex, fresh per announcement
 *   p       = hex(peer id XOR HMAC(K_lan, "id" ‖ epoch ‖ n ‖ i)...)  the peer id, sealed
 * </pre>
 *
 * So the air shows neither the room name nor the fixed room id nor the peer id, and nothing in it
 * is the same from one epoch to the next; a reader accepts the epochs either side of its own, so
 * clocks may differ by minutes. (epoch is a big-endian u64, i a u8 block counter.)
 */
public final class LanTag {
  /** How long one epoch's values are announced. */
  public static final long EPOCH_SECONDS = 600;

  private static final HexFormat HEX = HexFormat.of();
  private static final int TAG_HEX = 16;
  private final byte[] key;

  private LanTag(byte[] key) {
    this.key = key;
  }

  /** An open room: anyone who knows its name can read the announcements, as they could join. */
  public static LanTag open(String room) {
    try {
      return new LanTag(
          MessageDigest.getInstance("SHA-256")
              .digest(("meshchat/lan/v1/open:" + room).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** A private room: only holders of its secret can tell its announcements from noise. */
  public static LanTag of(RoomKey key) {
    return new LanTag(key.mac("meshchat/lan/v1".getBytes(StandardCharsets.US_ASCII)));
  }

  public static long epoch(long unixMillis) {
    return Math.floorDiv(unixMillis, EPOCH_SECONDS * 1000);
  }

  /** The TXT record announcing {@code self} in {@code epoch}; {@code nonce} is 8 fresh bytes. */
  public Map<String, String> announce(PeerId self, long epoch, byte[] nonce) {
    Map<String, String> txt = new LinkedHashMap<>();
    txt.put("v", "1");
    txt.put("r", tag(epoch));
    txt.put("n", HEX.formatHex(nonce));
    txt.put("p", HEX.formatHex(seal(self.toBytes(), epoch, nonce)));
    return txt;
  }

  /**
   * The peer a TXT record announces, if it is this room's in an epoch next to {@code epoch};
   * anything else (another room, an old record, garbage) is empty.
   */
  public Optional<PeerId> read(Map<String, String> txt, long epoch) {
    if (!"1".equals(txt.get("v"))) {
      return Optional.empty();
    }
    String r = txt.get("r");
    String n = txt.get("n");
    String p = txt.get("p");
    if (r == null
        || n == null
        || p == null
        || n.length() != 16
        || p.length() > 2 * PeerId.MAX_BYTES) {
      return Optional.empty();
    }
    for (long e = epoch - 1; e <= epoch + 1; e++) {
      if (MessageDigest.isEqual(
          tag(e).getBytes(StandardCharsets.US_ASCII), r.getBytes(StandardCharsets.US_ASCII))) {
        try {
          byte[] sealed = HEX.parseHex(p);
          if (sealed.length == 0) {
            return Optional.empty();
          }
          return Optional.of(PeerId.of(seal(sealed, e, HEX.parseHex(n))));
        } catch (IllegalArgumentException bad) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  String tag(long epoch) {
    return HEX.formatHex(hmac(bytes("room", epoch, null, 0))).substring(0, TAG_HEX);
  }

  /** XOR with an HMAC keystream: its own inverse. */
  private byte[] seal(byte[] data, long epoch, byte[] nonce) {
    byte[] out = data.clone();
    for (int block = 0; block * 32 < out.length; block++) {
      byte[] stream = hmac(bytes("id", epoch, nonce, block));
      for (int i = 0; i < 32 && block * 32 + i < out.length; i++) {
        out[block * 32 + i] ^= stream[i];
      }
    }
    return out;
  }

  private static byte[] bytes(String label, long epoch, byte[] nonce, int block) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(ByteBuffer.allocate(8).putLong(epoch).array());
    if (nonce != null) {
      b.writeBytes(nonce);
      b.write(block);
    }
    return b.toByteArray();
  }

  private byte[] hmac(byte[] data) {
    return RoomKey.hmac(key, data);
  }
}
