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
 * rev29 F3: how many links one source (an address, or an IPv6 /64) may hold, and who makes room
 * when the table is full. A stranger with throwaway keys on a few addresses holds at most its
 * addresses' shares; a newcomer from a less represented address takes the youngest link of the most
 * represented one rather than being refused; links this peer dialed, pinned ones and a source's
 * last link are never dropped; evictions are paced.
 */
class LinkSharesTest extends LinkTableFixture {
  LinkSharesTest() {
    super(3);
  }

  static final MembershipConfig CONFIG = MembershipConfig.defaults();
  static final String SPARED = "dropped to make room for a peer from another address";

  Map<String, Integer> perSource(Membership m) {
    Map<String, Integer> n = new HashMap<>();
    for (PeerId p : m.linkedPeers()) {
      n.merge(hostOf.get(p), 1, Integer::sum);
    }
    return n;
  }

  @Test
  void oneAddressHoldsAtMostAQuarterOfTheSlotsHoweverManyKeysItHas() {
    Membership m = member(CONFIG);
    assertThat(CONFIG.sourceCap()).isEqualTo(CONFIG.maxLinks() / 4);
    List<Long> refused = new ArrayList<>();
    for (int i = 0; i < CONFIG.maxLinks(); i++) {
      long c = connect(m, key(i, "203.0.113.9"), false);
      if (i >= CONFIG.sourceCap()) {
        refused.add(c);
      }
    }
    assertThat(m.linkCount()).isEqualTo(CONFIG.sourceCap());
    for (long c : refused) {
      assertThat(fx.closes.get(c).reason()).isEqualTo(CloseReason.LIMIT_EXCEEDED);
      assertThat(fx.closes.get(c).message()).isEqualTo("too many links from one address");
    }
    assertThat(m.knownCount()).as("a refused key is not learned").isEqualTo(CONFIG.sourceCap());

    PeerAddress honest = key(1_000, "198.51.100.7");
    connect(m, honest, false);
    assertThat(m.linked(honest.peerId())).isTrue();
  }

  @Test
  void aFullTableDropsTheYoungestLinkOfTheMostRepresentedAddressForANewcomer() {
    Membership m = member(CONFIG);
    List<PeerAddress> strangers = new ArrayList<>();
    for (int s = 0; s < 4; s++) { // four addresses, each at its share: every slot
      for (int i = 0; i < CONFIG.sourceCap(); i++) {
        PeerAddress a = key(s * 100 + i, "203.0.113." + s);
        strangers.add(a);
        connect(m, a, false);
        time.advance(10);
      }
    }
    assertThat(m.linkCount()).isEqualTo(CONFIG.maxLinks());
    fx.log.clear();

    PeerAddress honest = key(1_000, "198.51.100.7");
    long c = connect(m, honest, false);
    assertThat(m.linked(honest.peerId())).as("the newcomer is linked").isTrue();
    assertThat(fx.closes).doesNotContainKey(c);
    assertThat(m.linkCount()).isEqualTo(CONFIG.maxLinks());
    PeerAddress youngest = strangers.get(strangers.size() - 1);
    assertThat(m.linked(youngest.peerId())).as("the youngest stranger link made room").isFalse();
    assertThat(fx.closes.get((long) strangers.size()).message()).isEqualTo(SPARED);
    assertThat(fx.log).contains("left " + youngest.nick());
    time.advance(60_000);
    assertThat(fx.dials).as("a dropped stranger is not dialed back").doesNotContain(youngest);

    // the stranger cycles a fresh key on its address: that address holds the most links still
    long again = connect(m, key(999, "203.0.113.3"), false);
    assertThat(fx.closes.get(again).message()).isEqualTo("link cap reached");
    assertThat(m.linked(honest.peerId())).isTrue();
  }

  @Test
  void peersWithAnAddressEachNeverEvictEachOther() {
    Membership m = member(CONFIG);
    for (int i = 0; i < CONFIG.maxLinks(); i++) {
      connect(m, key(i, "10.1.0." + i), false);
    }
    long c = connect(m, key(500, "10.2.0.1"), false);
    assertThat(fx.closes.get(c).message()).isEqualTo("link cap reached");
    assertThat(m.linkCount()).isEqualTo(CONFIG.maxLinks());
    assertThat(fx.closes.values()).noneMatch(x -> x.message().equals(SPARED));
  }

  @Test
  void dialedAndPinnedLinksAndAnAddressesLastLinkAreNeverDroppedAndDropsArePaced() {
    MembershipConfig small =
        CONFIG.with(
            d -> {
              d.maxLinks = 8;
              d.maxLinksPerSource = 4;
            });
    Membership m = member(small);
    List<PeerAddress> ours = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // one address, links this peer dialed
      PeerAddress a = key(i, "192.0.2.1");
      ours.add(a);
      connect(m, a, true);
    }
    PeerAddress pinned = key(10, "192.0.2.2");
    m.pin(pinned);
    connect(m, pinned, false);
    for (int i = 0; i < 3; i++) { // three more from one address, which dialed us
      connect(m, key(20 + i, "192.0.2.3"), false);
      time.advance(10);
    }
    assertThat(m.linkCount()).isEqualTo(8);

    connect(m, key(30, "198.51.100.1"), false); // 192.0.2.3 loses its youngest
    assertThat(perSource(m)).containsEntry("192.0.2.3", 2).containsEntry("198.51.100.1", 1);
    long paced = connect(m, key(31, "198.51.100.2"), false);
    assertThat(fx.closes.get(paced).message())
        .as("one drop per interval")
        .isEqualTo("link cap reached");
    time.advance(small.evictionIntervalMs());
    connect(m, key(31, "198.51.100.2"), false);
    assertThat(perSource(m)).containsEntry("192.0.2.3", 1).containsEntry("198.51.100.2", 1);
    assertThat(m.linked(key(20, "192.0.2.3").peerId())).as("the oldest of them stays").isTrue();
    time.advance(small.evictionIntervalMs());
    long last = connect(m, key(32, "198.51.100.3"), false);
    assertThat(fx.closes.get(last).message())
        .as("no address is dropped below one link; ours and pinned are never dropped")
        .isEqualTo("link cap reached");
    for (PeerAddress a : ours) {
      assertThat(m.linked(a.peerId())).isTrue();
    }
    assertThat(m.linked(pinned.peerId())).isTrue();
  }

  @Test
  void aLinkIsRememberedOnlyOnceItHasStoodAWhileNeverWhenRefused() {
    Membership m = member(CONFIG.with(d -> d.maxLinks = 4));
    List<PeerAddress> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      PeerAddress a = key(i, "10.3.0." + i);
      all.add(a);
      connect(m, a, false); // four linked, four refused for the cap
    }
    long shortLived = 1;
    m.disconnected(shortLived, all.get(0).peerId(), null); // gone before it proved anything
    time.advance(CONFIG.rememberAfterMs() - 1);
    assertThat(fx.remembered).isEmpty();
    time.advance(CONFIG.roundMs() * 5 / 4 + 1); // a round after they stood long enough
    assertThat(fx.remembered).containsExactlyInAnyOrder(all.get(1), all.get(2), all.get(3));
    m.disconnected(2, all.get(1).peerId(), null);
    assertThat(fx.remembered).as("remembered once").hasSize(3);

    // a link that stood long enough and goes before the next round is remembered as it goes
    PeerAddress late = key(50, "10.3.1.1");
    long c = connect(m, late, false);
    time.advance(CONFIG.rememberAfterMs());
    fx.remembered.clear();
    m.disconnected(c, late.peerId(), null);
    assertThat(fx.remembered).containsExactly(late);
  }

  @Test
  void aRememberedPeerThatMovesIsRememberedAtItsNewAddress() {
    Membership m = member(CONFIG);
    PeerAddress here = key(1, "10.4.0.1");
    connect(m, here, true);
    time.advance(CONFIG.rememberAfterMs() + CONFIG.roundMs() * 5 / 4 + 1);
    assertThat(fx.remembered).containsExactly(here);
    PeerAddress there = new PeerAddress(here.peerId(), here.nick(), "10.4.0.2", 7001);
    connect(m, there, true); // a redial after a silent failure finds it elsewhere: the newer kept
    assertThat(fx.remembered).containsExactly(here, there);
  }

  /**
   * Whatever keys, addresses and directions come and go: no address ever holds more than its share
   * and the table never more than the cap; and a newcomer from an address with no link, once the
   * pacing allows, is refused only when no address it could take a link from holds two or more.
   */
  @Property(tries = 300)
  void noAddressEverHoldsMoreThanItsShareAndNewcomersFindRoom(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 999) Integer> steps,
      @ForAll @IntRange(min = 1, max = 12) int maxLinks,
      @ForAll @IntRange(min = 1, max = 12) int perSource) {
    MembershipConfig config =
        CONFIG.with(
            d -> {
              d.maxLinks = maxLinks;
              d.maxLinksPerSource = perSource;
            });
    Membership m = member(config);
    Map<PeerId, Long> connectionOf = new HashMap<>();
    Map<PeerId, Boolean> dialed = new HashMap<>();
    int n = 0;
    for (int step : steps) {
      int op = step % 10;
      if (op < 6) { // a key from one of six addresses, either direction
        PeerAddress a = key(n++, "10.9.0." + (step / 10 % 6));
        boolean out = step / 60 % 2 == 0;
        long c = connect(m, a, out);
        connectionOf.put(a.peerId(), c);
        dialed.put(a.peerId(), out);
      } else if (op < 8 && m.linkCount() > 0) { // a link goes
        List<PeerId> linked = m.linkedPeers();
        PeerId p = linked.get(step / 10 % linked.size());
        m.disconnected(connectionOf.get(p), p, null);
      } else if (op == 8) {
        time.advance(step);
      } else { // a newcomer from an address of its own, after the pacing interval
        time.advance(config.evictionIntervalMs());
        Map<String, Integer> held = perSource(m);
        boolean full = m.linkCount() >= config.maxLinks();
        boolean roomToTake = false;
        for (PeerId p : m.linkedPeers()) {
          roomToTake |= !dialed.get(p) && held.get(hostOf.get(p)) >= 2;
        }
        PeerAddress a = key(n++, "172.16." + (n >> 8 & 255) + "." + (n & 255));
        long c = connect(m, a, false);
        connectionOf.put(a.peerId(), c);
        dialed.put(a.peerId(), false);
        assertThat(m.linked(a.peerId())).isEqualTo(!full || roomToTake);
      }
      assertThat(m.linkCount()).isLessThanOrEqualTo(config.maxLinks());
      assertThat(perSource(m).values()).allMatch(k -> k <= config.sourceCap());
    }
  }
}
