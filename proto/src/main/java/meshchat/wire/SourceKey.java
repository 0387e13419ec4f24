package meshchat.wire;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What a per-address bound counts: one source IPv4 address, or one IPv6 /64. An IPv6 host is given
 * a /64 (or more) and may send from any of its 2^64 addresses, so a bound keyed by the exact IPv6
 * address bounds nothing (rev28 F3). Every per-address bound of the tracker and of a peer keys on
 * this: IPv4 addresses, and IPv6 addresses that embed the IPv4 address of the host at the other end
 * (mapped, NAT64, 6to4, Teredo: {@link EmbeddedIpv4}), are that IPv4 address; any other IPv6
 * address is its first 64 bits, the rest zero.
 */
public final class SourceKey {
  private SourceKey() {}

  /** The key of {@code address}: itself for IPv4, the IPv4 address it embeds, else its /64. */
  public static InetAddress of(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    byte[] v4 = EmbeddedIpv4.of(b); // mapped, NAT64, 6to4, Teredo: the IPv4 host's own key
    if (v4 != null) {
      return byAddress(v4);
    }
    Arrays.fill(b, 8, 16, (byte) 0);
    return byAddress(b); // the scope id goes too: one prefix is one key
  }

  /**
   * The key of an address given as text, as text: {@code 10.0.0.5}, or {@code 2001:db8:0:1::/64}
   * for {@code 2001:db8:0:1::17}. Text that is no IP address literal is its own key (no lookup).
   */
  public static String text(String address) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(address);
    if (b == null) {
      return address;
    }
    return text(byAddress(b));
  }

  /** The key of {@code address} as text, as {@link #text(String)}. */
  public static String text(InetAddress address) {
    InetAddress key = of(address);
    return key instanceof Inet4Address
        ? key.getHostAddress()
        : NetUtil.toAddressString(key) + "/64";
  }

  private static InetAddress byAddress(byte[] b) {
    try {
      return InetAddress.getByAddress(b); // 4 or 16 bytes: no lookup, never fails
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + b.length + " bytes", e);
    }
  }
}
