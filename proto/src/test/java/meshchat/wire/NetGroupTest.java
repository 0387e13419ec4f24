package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The network groups a peer shares the links dialed to it by (session 30): a public IPv4 /16, a
 * public IPv6 /32, as Bitcoin Core's netgroups; an address not routed on the internet is its own
 * source, so a LAN's peers (and a test's on 127.0.0.x) are not grouped.
 */
class NetGroupTest {
  @Test
  void every64OfOne48IsOneGroupAndAnother32IsAnother() {
    String group = NetGroup.text("2001:db8:7:0::1");
    for (int i = 0; i < 32; i++) {
      assertThat(NetGroup.text("2001:db8:7:" + Integer.toHexString(i) + "::9")).isEqualTo(group);
      assertThat(NetGroup.text("2001:db8:" + Integer.toHexString(i) + "::9")).isEqualTo(group);
    }
    assertThat(group).isEqualTo("2001:db8::/32");
    assertThat(NetGroup.text("2001:db9:7::1")).isNotEqualTo(group);
  }

  @Test
  void aPublicIpv4AddressIsItsSlash16AndAMappedOneTheSame() {
    assertThat(NetGroup.text("203.0.113.9")).isEqualTo("203.0.0.0/16");
    assertThat(NetGroup.text("203.0.200.1")).isEqualTo("203.0.0.0/16");
    assertThat(NetGroup.text("::ffff:203.0.113.9")).isEqualTo("203.0.0.0/16");
    assertThat(NetGroup.text("198.51.100.7")).isNotEqualTo(NetGroup.text("203.0.113.9"));
  }

  @Test
  void anAddressNotRoutedOnTheInternetIsItsOwnSource() {
    for (String local :
        new String[] {
          "127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.5.5", "172.31.0.1", "192.168.1.20",
          "169.254.3.3", "100.64.0.7", "::1", "fe80::1", "fd00:1:2:3::4", "fc00::5"
        }) {
      assertThat(NetGroup.text(local)).as(local).isEqualTo(SourceKey.text(local));
    }
    assertThat(NetGroup.text("192.168.1.20")).isNotEqualTo(NetGroup.text("192.168.1.21"));
    assertThat(NetGroup.text("172.32.0.1")).isEqualTo("172.32.0.0/16"); // just past 172.16/12
    assertThat(NetGroup.text("peer.example.org")).isEqualTo("peer.example.org");
  }

  /**
   * The site (what a network's sources share the new-author budget of): every /64 of one /48 is
   * one, another /48 of the same /32 another, an IPv4 address (mapped or not) its own, an address
   * not routed its source.
   */
  @Test
  void aSiteIsAnIpv6Slash48OrAnIpv4Address() {
    String site = NetGroup.site("2001:db8:7:0::1");
    assertThat(site).isEqualTo("2001:db8:7::/48");
    for (int i = 0; i < 300; i++) {
      assertThat(NetGroup.site("2001:db8:7:" + Integer.toHexString(i) + "::9")).isEqualTo(site);
    }
    assertThat(NetGroup.site("2001:db8:8::1")).isNotEqualTo(site);
    assertThat(NetGroup.site("203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(NetGroup.site("::ffff:203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(NetGroup.site("203.0.113.10")).isNotEqualTo(NetGroup.site("203.0.113.9"));
    for (String local : new String[] {"::1", "fe80::1", "fd00:1:2:3::4", "127.0.0.2", "x.org"}) {
      assertThat(NetGroup.site(local)).as(local).isEqualTo(SourceKey.text(local));
    }
  }

  /** Two addresses of one source (an IPv4 address, an IPv6 /64) are always in one group. */
  @Property(tries = 500)
  void addressesOfOneSourceAreInOneGroup(
      @ForAll @Size(16) byte[] a, @ForAll @Size(8) byte[] otherInterfaceId) {
    byte[] b = a.clone();
    System.arraycopy(otherInterfaceId, 0, b, 8, 8);
    String x = NetUtil.bytesToIpAddress(a);
    String y = NetUtil.bytesToIpAddress(b);
    assertThat(SourceKey.text(x)).isEqualTo(SourceKey.text(y));
    assertThat(NetGroup.text(x)).isEqualTo(NetGroup.text(y));
    assertThat(NetGroup.site(x)).isEqualTo(NetGroup.site(y));
  }
}
