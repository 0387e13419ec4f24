package meshchat.wire;

import io.netty.util.NetUtil;

/**
 * The network an address belongs to, coarser than its {@link SourceKey}: what a peer's bound on the
 * links dialed to it from one network counts (session 30). A public IPv4 address is its /16 and a
 * public IPv6 address its /32, as Bitcoin Core's netgroups are (its {@code GetGroup} without an AS
 * map): the blocks one operator's cheap supply comes from. An IPv6 customer is given a /48 or /56
 * and a provider a /32, so 32 /64s of one /48 (which cost an attacker nothing) are one group, and
 * an IPv4 /16 is 65,536 addresses of one provider. An IPv6 address that embeds the IPv4 address of
 * the host at the other end (IPv4-mapped, NAT64 {@code 64:ff9b::/96} and {@code 64:ff9b:1::/48},
 * 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}: {@link EmbeddedIpv4}) is grouped as that IPv4
 * address (until session 38 a NAT64's every IPv4 peer was one /48 and one /32).
 *
 * <p>An address that is not routed on the internet (loopback, private and carrier-grade NAT IPv4
 * ranges, link-local, IPv6 unique-local) is its own group, its {@link SourceKey}: peers on one LAN
 * (or a test's peers on 127.0.0.x) each have an address of their own, and grouping them would cap a
 * LAN room's links at a quarter. Text that is no IP literal (a host name) is its own group.
 */
public final class NetGroup {
  private NetGroup() {}

  /** The group of {@code address} as text: {@code 203.0.0.0/16}, {@code 2001:db8::/32}. */
  public static String text(String address) {
    byte[] b = bytes(address);
    if (b == null) {
      return address;
    }
    if (b.length == 4 ? localV4(b) : localV6(b)) {
      return SourceKey.text(address);
    }
    return prefix(b, 16, 32);
  }

  /**
   * The site {@code address} belongs to, finer than its group: an IPv6 address's /48 (what a
   * provider gives one customer, 65,536 /64s: rev36 FINDING-4), an IPv4 address itself (as its
   * {@link SourceKey}: addresses cost money one by one). What the new-author budget a network's
   * sources share counts: a group (an IPv4 /16, an IPv6 /32) is a provider's, whose honest members
   * would share it. An address not routed on the internet, and text that is no IP literal, is its
   * {@link SourceKey}, as for {@link #text}. An address that embeds an IPv4 one is that IPv4
   * address's site.
   */
  public static String site(String address) {
    byte[] b = bytes(address);
    if (b == null || b.length == 4 || localV6(b)) {
      return b != null && b.length == 4 ? NetUtil.bytesToIpAddress(b) : SourceKey.text(address);
    }
    return prefix(b, 32, 48);
  }

  /**
   * {@code address}'s first {@code v4Bits} bits (an IPv4 address, or an IPv4-mapped IPv6 one) or
   * {@code v6Bits} as text, e.g. {@code 192.0.2.0/24}, {@code 2001:db8:7::/48}; routed or not; text
   * that is no IP literal is itself. What the tracker's per-network shares count (/24, /48).
   */
  public static String prefix(String address, int v4Bits, int v6Bits) {
    byte[] b = bytes(address);
    return b == null ? address : prefix(b, v4Bits, v6Bits);
  }

  private static String prefix(byte[] b, int v4Bits, int v6Bits) {
    int bits = b.length == 4 ? v4Bits : v6Bits;
    byte[] masked = b.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      masked[i] &= (byte) (0xff00 >> keep);
    }
    return NetUtil.bytesToIpAddress(masked) + "/" + bits;
  }

  /**
   * The address's bytes, an IPv6 address that embeds an IPv4 one ({@link EmbeddedIpv4}: mapped,
   * NAT64, 6to4, Teredo) as that IPv4 address's four; null if no IP literal.
   */
  private static byte[] bytes(String address) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(address);
    byte[] v4 = b == null ? null : EmbeddedIpv4.of(b);
    return v4 != null ? v4 : b;
  }

  private static boolean localV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    return a0 == 0
        || a0 == 10 // private
        || a0 == 127 // loopback
        || (a0 == 100 && a1 >= 64 && a1 < 128) // carrier-grade NAT
        || (a0 == 169 && a1 == 254) // link-local
        || (a0 == 172 && a1 >= 16 && a1 < 32) // private
        || (a0 == 192 && a1 == 168) // private
        || a0 >= 224; // multicast, reserved
  }

  private static boolean localV6(byte[] b) {
    boolean firstSixtyFourZero = true; // ::, ::1 and the rest of ::/64: never routed
    for (int i = 0; i < 8; i++) {
      firstSixtyFourZero &= b[i] == 0;
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    return firstSixtyFourZero
        || (b0 & 0xfe) == 0xfc // unique local fc00::/7
        || (b0 == 0xfe && (b1 & 0xc0) == 0x80) // link-local fe80::/10
        || b0 == 0xff; // multicast
  }
}
