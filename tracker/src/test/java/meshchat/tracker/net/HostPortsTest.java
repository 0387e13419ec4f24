package meshchat.tracker.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPortsTest {
  @Test
  void namesHostsPortsAndBracketedV6WithoutResolving() {
    InetSocketAddress a = HostPorts.parse("tracker.example.org:7070", null, 1);
    assertThat(a.isUnresolved()).isTrue();
    assertThat(a.getHostString()).isEqualTo("tracker.example.org");
    assertThat(a.getPort()).isEqualTo(7070);
    assertThat(HostPorts.parse("[::1]:65535", null, 1).getHostString()).isEqualTo("::1");
    assertThat(HostPorts.parse(" 10.0.0.1:1 ", null, 1).getPort()).isEqualTo(1);
  }

  @Test
  void aBarePortMeansTheDefaultHostOnlyWhereThereIsOne() {
    assertThat(HostPorts.parse("9464", "127.0.0.1", 0).getHostString()).isEqualTo("127.0.0.1");
    assertThat(HostPorts.parse("0", "127.0.0.1", 0).getPort()).isZero();
    assertThatThrownBy(() -> HostPorts.parse("7070", null, 1))
        .hasMessage("'7070' is not HOST:PORT");
  }

  @Test
  void everythingElseIsOneLineNamingTheValue() {
    for (String bad :
        List.of(
            "",
            "host:",
            "host:x",
            "::1:9100",
            "h:-1",
            "h:0",
            "h:65536",
            "h:99999999999999999999",
            "a b:1",
            ":7070",
            "[::1:7070",
            "99999999999999999999")) {
      assertThatThrownBy(() -> HostPorts.parse(bad, null, 1))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .doesNotContain("\n")
          .contains("'" + bad + "'");
    }
    assertThatThrownBy(() -> HostPorts.parse("::1:9100", null, 1))
        .hasMessage("'::1:9100' is not HOST:PORT (write [v6]:PORT)");
    assertThatThrownBy(() -> HostPorts.parse("99999999999999999999", "127.0.0.1", 0))
        .hasMessage("port 99999999999999999999 in '99999999999999999999' is not 0..65535");
  }
}
