package meshchat.peer.message;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class HostsTest {
  @Test
  void namesAndAddressesAreTaken() {
    for (String h :
        new String[] {
          "127.0.0.1", "::1", "[::1]", "fe80::1%eth0", "chat.example.org", "my_host-2", "a"
        }) {
      assertThat(Hosts.plausible(h)).as(h).isTrue();
    }
    assertThat(Hosts.plausible("a".repeat(255))).isTrue();
  }

  @Test
  void whatCouldForgeALineOrReachATerminalIsRefused() {
    for (String h :
        new String[] {
          "",
          "h\t1\t1",
          "h\nlobby",
          "h\r",
          "a b",
          "\u001b]0;x\u0007",
          "h\u202e",
          "ｈｏｓｔ",
          "a".repeat(256),
          "h/x",
          "h\u0000"
        }) {
      assertThat(Hosts.plausible(h)).as("%s", h).isFalse();
    }
    assertThat(Hosts.plausible(null)).isFalse();
  }

  @Property
  void aTakenHostHoldsNoControlSpaceOrNonAscii(@ForAll String h) {
    if (Hosts.plausible(h)) {
      assertThat(h.chars()).allMatch(c -> c > 0x20 && c < 0x7f && c != '\t');
    }
  }
}
