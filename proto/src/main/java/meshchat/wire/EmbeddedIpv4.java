package meshchat.wire;

/**
 * The IPv4 address inside an IPv6 address of a prefix that embeds one, where the IPv4 address is
 * the host at the other end: IPv4-mapped ({@code ::ffff:0:0/96}), the NAT64 well-known prefix
 * ({@code 64:ff9b::/96}, RFC 6052) and the local-use one ({@code 64:ff9b:1::/48}, RFC 8215, as RFC
 * 6052 lays a /48 out), 6to4 ({@code 2002::/16}, RFC 3056) and Teredo ({@code 2001:0::/32}, RFC
 * 4380: the client's public address, each bit inverted). Such addresses are grouped as their IPv4
 * address is ({@link SourceKey}, {@link NetGroup}): until session 38 every IPv4 peer seen through
 * one NAT64 was one IPv6 /64 and /48, so one source's and one network's bounds were shared by them
 * all, and one of them could spend them for all.
 */
final class EmbeddedIpv4 {
  private EmbeddedIpv4() {}

  /** The IPv4 address (4 bytes) that the 16 bytes {@code b} embed, or null. */
  static byte[] of(byte[] b) {
    if (b.length != 16) {
      return null;
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (zero(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
      return new byte[] {b[12], b[13], b[14], b[15]}; // ::ffff:a.b.c.d
    }
    if (w0 == 0x0064 && w1 == 0xff9b && zero(b, 4, 12)) {
      return new byte[] {b[12], b[13], b[14], b[15]}; // 64:ff9b::a.b.c.d
    }
    if (w0 == 0x0064 && w1 == 0xff9b && b[4] == 0 && b[5] == 1 && b[8] == 0) {
      return new byte[] {b[6], b[7], b[9], b[10]}; // 64:ff9b:1::/48, bits 64-71 the u octet
    }
    if (w0 == 0x2002) {
      return new byte[] {b[2], b[3], b[4], b[5]}; // 2002:aabb:ccdd::/48
    }
    if (w0 == 0x2001 && w1 == 0) {
      return new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]}; // Teredo
    }
    return null;
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
