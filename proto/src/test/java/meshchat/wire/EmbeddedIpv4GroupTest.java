package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * An IPv6 address that embeds the IPv4 address of the host at the other end (IPv4-mapped, NAT64
 * {@code 64:ff9b::/96} and {@code 64:ff9b:1::/48}, 6to4, Teredo) is grouped as that IPv4 address:
 * its {@link SourceKey}, {@link NetGroup#text} and {@link NetGroup#site} are the IPv4 address's.
 * Until session 38 every IPv4 peer behind one NAT64 was one /64 source and one /48 site, so one of
 * them spent the bounds of all (the per-source link slots, the new authors per network, a
 * newcomer's links per network). Addresses just outside each prefix keep the IPv6 grouping.
 */
class EmbeddedIpv4GroupTest {

  private static String v6(byte[] b) {
    return NetUtil.bytesToIpAddress(b);
  }

  private static byte[] prefixed(int... head) {
    byte[] b = new byte[16];
    for (int i = 0; i < head.length; i++) {
      b[i] = (byte) head[i];
    }
    return b;
  }

  /** The forms of {@code v4} as an IPv6 address, each embedding it. */
  private static String[] forms(byte[] v4) {
    byte[] mapped = prefixed(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
    byte[] nat64 = prefixed(0, 0x64, 0xff, 0x9b);
    byte[] local = prefixed(0, 0x64, 0xff, 0x9b, 0, 1, v4[0], v4[1], 0, v4[2], v4[3]);
    byte[] sixToFour = prefixed(0x20, 0x02, v4[0], v4[1], v4[2], v4[3], 0x12, 0x34);
    byte[] teredo = prefixed(0x20, 0x01, 0, 0, 0xc6, 0x33, 0x64, 0x01); // server 198.51.100.1
    for (int i = 0; i < 4; i++) {
      mapped[12 + i] = v4[i];
      nat64[12 + i] = v4[i];
      teredo[12 + i] = (byte) ~v4[i];
    }
    sixToFour[15] = 1;
    local[15] = 7; // a suffix after the embedded address: ignored
    return new String[] {v6(mapped), v6(nat64), v6(local), v6(sixToFour), v6(teredo)};
  }

  /** Every embedding of any IPv4 address groups as that address, public or not. */
  @Property(tries = 2_000)
  void anEmbeddedIpv4AddressIsGroupedAsItself(@ForAll @Size(4) byte[] v4) {
    String plain = NetUtil.bytesToIpAddress(v4);
    for (String form : forms(v4)) {
      assertThat(SourceKey.text(form)).as(form).isEqualTo(SourceKey.text(plain));
      assertThat(NetGroup.text(form)).as(form).isEqualTo(NetGroup.text(plain));
      assertThat(NetGroup.site(form)).as(form).isEqualTo(NetGroup.site(plain));
      assertThat(NetGroup.prefix(form, 24, 48)).as(form).isEqualTo(NetGroup.prefix(plain, 24, 48));
    }
  }

  /** Two IPv4 peers behind one NAT64 are two sources and two sites (rev: one /48 until s38). */
  @Property(tries = 1_000)
  void twoIpv4PeersBehindOneNat64AreTwoSitesAndSources(
      @ForAll @Size(4) byte[] a, @ForAll @Size(4) byte[] b) {
    String pa = NetUtil.bytesToIpAddress(a);
    String pb = NetUtil.bytesToIpAddress(b);
    String na = forms(a)[1];
    String nb = forms(b)[1];
    assertThat(NetGroup.site(na).equals(NetGroup.site(nb)))
        .isEqualTo(NetGroup.site(pa).equals(NetGroup.site(pb)));
    assertThat(SourceKey.text(na).equals(SourceKey.text(nb))).isEqualTo(pa.equals(pb));
  }

  /**
   * One bit off each prefix (at any of its bits, or a nonzero byte where the prefix wants zeros)
   * and the address is plain IPv6: its /64 source and /48 site.
   */
  @Property(tries = 2_000)
  void anAddressJustOutsideAPrefixKeepsItsIpv6Grouping(
      @ForAll @Size(4) byte[] v4,
      @ForAll @IntRange(min = 0, max = 4) int which,
      @ForAll @IntRange(min = 0, max = 127) int bit) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(forms(v4)[which]);
    // the bits that make the prefix: flip one of them
    int prefixBits =
        switch (which) {
          case 0, 1 -> 96;
          case 2 -> 48;
          case 3 -> 16;
          default -> 32;
        };
    int flip = bit % prefixBits;
    if (which == 2 && flip >= 48) {
      return;
    }
    b[flip / 8] ^= (byte) (0x80 >> (flip % 8));
    String x = v6(b);
    if (EmbeddedIpv4.of(b) != null) {
      return; // flipped into another embedding prefix (e.g. 2002 -> 2003 is not; 2001:: ones are)
    }
    assertThat(SourceKey.text(x)).as(x).endsWith("/64");
    assertThat(NetGroup.site(x))
        .as(x)
        .satisfiesAnyOf(
            s -> assertThat(s).endsWith("/48"), s -> assertThat(s).isEqualTo(SourceKey.text(x)));
  }

  @Test
  void theEdgesAsText() {
    assertThat(NetGroup.site("64:ff9b::cb00:7109")).isEqualTo("203.0.113.9");
    assertThat(NetGroup.site("64:ff9b::c633:6407")).isEqualTo("198.51.100.7");
    assertThat(NetGroup.text("64:ff9b::cb00:7109")).isEqualTo("203.0.0.0/16");
    assertThat(SourceKey.text("64:ff9b::cb00:7109")).isEqualTo("203.0.113.9");
    assertThat(NetGroup.site("64:ff9b::a00:1")).isEqualTo("10.0.0.1"); // a private one
    assertThat(NetGroup.site("64:ff9b:1:cb00:71:900::")).isEqualTo("203.0.113.9");
    assertThat(NetGroup.site("2002:cb00:7109::1")).isEqualTo("203.0.113.9");
    assertThat(NetGroup.site("2001:0:c633:6401::34ff:8ef6")).isEqualTo("203.0.113.9");
    // just outside: 64:ff9b::/96 with a bit of the /96 set is an IPv6 /48 as before
    assertThat(NetGroup.site("64:ff9b::1:cb00:7109")).isEqualTo("64:ff9b::/48");
    assertThat(SourceKey.text("64:ff9b::1:cb00:7109")).isEqualTo("64:ff9b::/64");
    assertThat(NetGroup.site("64:ff9a::cb00:7109")).isEqualTo("64:ff9a::/48");
    assertThat(NetGroup.site("2003:cb00:7109::1")).isEqualTo("2003:cb00:7109::/48");
    assertThat(NetGroup.site("2001:1:c633:6401::34ff:8ef6")).isEqualTo("2001:1:c633::/48");
  }
}
