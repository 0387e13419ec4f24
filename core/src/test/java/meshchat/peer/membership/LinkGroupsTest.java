package meshchat.peer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Session 30: the links dialed to a peer are shared by network group too (a public IPv4 /16 or IPv6
 * /32, {@code meshchat.wire.NetGroup}), not only by source (an IPv4 address or IPv6 /64). Before, a
 * stranger with 32 /64s of one /48 (an IPv6 customer's allocation: free) and a key on each held
 * every accepted slot, since each source held one link and no source could be asked to give one up;
 * honest newcomers then found "link cap reached". Here a group holds at most a quarter of the
 * accepted links, and the most represented group gives up its youngest link to a newcomer from a
 * group holding two fewer. Links this peer dialed and pinned peers are not counted against their
 * group. Hosts are IPv6 /64s written as their prefix; a host's group is its first two hextets.
 */
class LinkGroupsTest extends LinkTableFixture {
  static final MembershipConfig CONFIG = MembershipConfig.defaults();
  static final String SPARED = "dropped to make room for a peer from another address";
  static final String GROUP_FULL = "too many links from one network";

  LinkGroupsTest() {
    super(4);
    fx.groupOfHost = LinkGroupsTest::groupOf;
  }

  /** {@code 2001:db8:7:5::} is in group {@code 2001:db8}: its /32. */
  static String groupOf(String host) {
    String[] h = host.split(":");
    return h[0] + ":" + h[1];
  }

  /** A /64 of network {@code net} (a /32), subnet {@code sub}. */
  static String host(int net, int sub) {
    return "2001:"
        + Integer.toHexString(net)
        + ":"
        + Integer.toHexString(sub >> 16)
        + ":"
        + Integer.toHexString(sub & 0xffff)
        + "::";
  }

  @Test
  void aStrangerWith32SlashSixtyFoursOfOneNetworkHoldsAQuarterOfTheAcceptedSlots() {
    Membership m = member(CONFIG);
    assertThat(CONFIG.groupCap()).isEqualTo(CONFIG.maxLinks() / 4);
    List<Long> refused = new ArrayList<>();
    for (int i = 0; i < CONFIG.maxLinks(); i++) { // 32 /64s of 2001:db8:7::/48, a key on each
      long c = connect(m, key(i, host(0xdb8, 0x70000 + i)), false);
      if (i >= CONFIG.groupCap()) {
        refused.add(c);
      }
    }
    assertThat(m.linkCount()).isEqualTo(CONFIG.groupCap());
    for (long c : refused) {
      assertThat(fx.closes.get(c).reason()).isEqualTo(CloseReason.LIMIT_EXCEEDED);
      assertThat(fx.closes.get(c).message()).isEqualTo(GROUP_FULL);
    }
    assertThat(m.knownCount()).as("a refused key is not learned").isEqualTo(CONFIG.groupCap());
    PeerAddress honest = key(1_000, host(0xabc, 1));
    connect(m, honest, false);
    assertThat(m.linked(honest.peerId())).isTrue();
  }

  @Test
  void aFullTableDropsTheYoungestLinkOfTheMostRepresentedNetworkForANewcomerFromAnother() {
    Membership m = member(CONFIG);
    List<PeerAddress> strangers = new ArrayList<>();
    for (int g = 0; g < 4; g++) { // four networks at their share, a /64 per key: every slot
      for (int i = 0; i < CONFIG.groupCap(); i++) {
        PeerAddress a = key(g * 100 + i, host(0x100 + g, i));
        strangers.add(a);
        connect(m, a, false);
        time.advance(10);
      }
    }
    assertThat(m.linkCount()).isEqualTo(CONFIG.maxLinks());

    PeerAddress honest = key(1_000, host(0xabc, 1));
    long c = connect(m, honest, false);
    assertThat(fx.closes).doesNotContainKey(c);
    assertThat(m.linked(honest.peerId())).as("the newcomer is linked").isTrue();
    PeerAddress youngest = strangers.get(strangers.size() - 1);
    assertThat(m.linked(youngest.peerId())).as("the youngest stranger link made room").isFalse();
    assertThat(fx.closes.get((long) strangers.size()).message()).isEqualTo(SPARED);

    // the stranger brings another /64 of a network that holds the most links still: refused
    time.advance(CONFIG.evictionIntervalMs());
    long again = connect(m, key(999, host(0x103, 500)), false);
    assertThat(fx.closes.get(again).message()).isEqualTo("link cap reached");
    // a second honest newcomer from yet another network takes another stranger link
    PeerAddress second = key(1_001, host(0xabd, 1));
    connect(m, second, false);
    assertThat(m.linked(second.peerId())).isTrue();
    assertThat(m.linked(honest.peerId())).isTrue();
  }

  @Test
  void linksThisPeerDialedAndPinnedPeersAreNotCountedAgainstTheirNetwork() {
    Membership m = member(CONFIG);
    int ours = CONFIG.groupCap() + 4;
    for (int i = 0; i < ours; i++) { // our own choice of view, all in one network
      connect(m, key(i, host(0xdb8, i)), true);
    }
    PeerAddress pinned = key(50, host(0xdb8, 50));
    m.pin(pinned);
    connect(m, pinned, false);
    for (int i = 0; i < CONFIG.groupCap(); i++) { // and its share of links dialed to us
      connect(m, key(100 + i, host(0xdb8, 100 + i)), false);
    }
    assertThat(m.linkCount()).isEqualTo(ours + 1 + CONFIG.groupCap());
    long over = connect(m, key(200, host(0xdb8, 200)), false);
    assertThat(fx.closes.get(over).message()).isEqualTo(GROUP_FULL);
  }

  @Test
  void peersFromNetworksOfTheirOwnNeverEvictEachOther() {
    Membership m = member(CONFIG);
    for (int i = 0; i < CONFIG.maxLinks(); i++) {
      connect(m, key(i, host(0x200 + i, 1)), false);
    }
    long c = connect(m, key(500, host(0x300, 1)), false);
    assertThat(fx.closes.get(c).message()).isEqualTo("link cap reached");
    assertThat(fx.closes.values()).noneMatch(x -> x.message().equals(SPARED));
  }

  /**
   * Whatever keys, /64s, networks, directions, pins and departures: no network ever holds more than
   * its share of the links dialed to us (pinned ones aside), no /64 more than its share of all, the
   * table never more than the cap; and a newcomer from a network of its own, once the pacing
   * allows, is linked unless the table is full and no link it could take (dialed to us, not pinned)
   * belongs to a network holding two or more such links or a /64 holding two or more.
   */
  @Property(tries = 300)
  void noNetworkEverHoldsMoreThanItsShareAndNewcomersFromOthersFindRoom(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 9999) Integer> steps,
      @ForAll @IntRange(min = 1, max = 12) int maxLinks,
      @ForAll @IntRange(min = 1, max = 12) int perSource,
      @ForAll @IntRange(min = 1, max = 12) int perGroup) {
    MembershipConfig config =
        CONFIG.with(
            d -> {
              d.maxLinks = maxLinks;
              d.maxLinksPerSource = perSource;
              d.maxLinksPerGroup = perGroup;
            });
    Membership m = member(config);
    Map<PeerId, Long> connectionOf = new HashMap<>();
    Map<PeerId, Boolean> dialed = new HashMap<>();
    int n = 0;
    int fresh = 0;
    for (int step : steps) {
      int op = step % 10;
      if (op < 6) { // a key from one of 3 networks x 3 /64s, either direction, sometimes pinned
        PeerAddress a = key(n++, host(0x10 + step / 10 % 3, step / 30 % 3));
        boolean out = step / 90 % 2 == 0;
        if (step / 180 % 5 == 0) {
          m.pin(a);
        }
        long c = connect(m, a, out);
        connectionOf.put(a.peerId(), c);
        dialed.put(a.peerId(), out);
      } else if (op < 8 && m.linkCount() > 0) { // a link goes
        List<PeerId> linked = m.linkedPeers();
        PeerId p = linked.get(step / 10 % linked.size());
        m.disconnected(connectionOf.get(p), p, null);
      } else if (op == 8) {
        time.advance(step);
      } else { // a newcomer from a network of its own, after the pacing interval
        time.advance(config.evictionIntervalMs());
        boolean full = m.linkCount() >= config.maxLinks();
        Map<String, Integer> groups = accepted(m, dialed, true);
        Map<String, Integer> sources = accepted(m, dialed, false);
        boolean roomToTake = false;
        for (PeerId p : m.linkedPeers()) {
          if (!dialed.get(p) && !m.isPinned(p)) {
            roomToTake |=
                groups.get(groupOf(hostOf.get(p))) >= 2 || sources.get(hostOf.get(p)) >= 2;
          }
        }
        PeerAddress a = key(n++, host(0x1000 + fresh++, 1));
        long c = connect(m, a, false);
        connectionOf.put(a.peerId(), c);
        dialed.put(a.peerId(), false);
        assertThat(m.linked(a.peerId())).isEqualTo(!full || roomToTake);
      }
      assertThat(m.linkCount()).isLessThanOrEqualTo(config.maxLinks());
      Map<String, Integer> groups = accepted(m, dialed, true);
      Map<String, Integer> sources = accepted(m, dialed, false);
      assertThat(sources.values()).allMatch(k -> k <= config.sourceCap());
      assertThat(groups.values()).allMatch(k -> k <= config.groupCap());
    }
  }

  /**
   * Links per source (every link), or per group ({@code byGroup}: the accepted links that count
   * against their group, neither dialed by us nor pinned).
   */
  Map<String, Integer> accepted(Membership m, Map<PeerId, Boolean> dialed, boolean byGroup) {
    Map<String, Integer> n = new HashMap<>();
    for (PeerId p : m.linkedPeers()) {
      if (!byGroup) {
        n.merge(hostOf.get(p), 1, Integer::sum);
      } else if (!dialed.get(p) && !m.isPinned(p)) {
        n.merge(groupOf(hostOf.get(p)), 1, Integer::sum);
      }
    }
    return n;
  }
}
