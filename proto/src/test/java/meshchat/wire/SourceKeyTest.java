package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceKeyTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no lookup
  }

  @Test
  void anIpv4AddressIsItsOwnKey() throws Exception {
    assertThat(SourceKey.of(ip("10.0.0.5"))).isEqualTo(ip("10.0.0.5"));
    assertThat(SourceKey.of(ip("10.0.0.5"))).isNotEqualTo(SourceKey.of(ip("10.0.0.6")));
    assertThat(SourceKey.text("10.0.0.5")).isEqualTo("10.0.0.5");
  }

  @Test
  void anIpv4MappedIpv6AddressIsItsIpv4Address() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 5;
    // InetAddress.getByAddress would turn it into an Inet4Address itself: build the Inet6Address
    InetAddress six = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(SourceKey.of(six)).isEqualTo(ip("10.0.0.5"));
    assertThat(SourceKey.text("::ffff:10.0.0.5")).isEqualTo("10.0.0.5");
  }

  @Test
  void everyAddressOfOneIpv6Slash64IsOneKey() throws Exception {
    InetAddress a = SourceKey.of(ip("2001:db8:0:1::1"));
    assertThat(SourceKey.of(ip("2001:db8:0:1:ffff:ffff:ffff:ffff"))).isEqualTo(a);
    assertThat(SourceKey.of(ip("2001:db8:0:1:1234:5678:9abc:def0"))).isEqualTo(a);
    assertThat(SourceKey.of(ip("2001:db8:0:2::1"))).isNotEqualTo(a);
    assertThat(SourceKey.text("2001:db8:0:1::11")).isEqualTo("2001:db8:0:1::/64");
    assertThat(SourceKey.text(ip("[2001:db8:0:1::11]"))).isEqualTo("2001:db8:0:1::/64");
  }

  @Test
  void textThatIsNoAddressIsItsOwnKey() {
    assertThat(SourceKey.text("example.org")).isEqualTo("example.org");
    assertThat(SourceKey.text("")).isEqualTo("");
  }
}
