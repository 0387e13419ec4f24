package meshchat.peer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/** The link table, the tie-break, redial and the link-count policy, in virtual time. */
class MembershipTest {
  static final MembershipConfig CONFIG = MembershipConfig.defaults();

  final EventQueue time = new EventQueue();
  final PeerScheduler clock = new PeerScheduler(time);
  final Recorder fx = new Recorder();

  /** Peer ids 0x10, 0x20, ... (i below 16): {@code id(1)} sorts before {@code id(2)}. */
  static PeerId id(int i) {
    return PeerId.of(new byte[] {(byte) (i * 16)});
  }

  static PeerAddress addr(int i) {
    return new PeerAddress(id(i), "p" + i, "10.0.0." + i, 7000 + i);
  }

  static List<PeerAddress> addrs(int from, int to) {
    List<PeerAddress> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(addr(i));
    }
    return out;
  }

  Membership member(int self, MembershipConfig config) {
    Membership m = new Membership(config, id(self), fx, clock, new SplittableRandom(7));
    m.start(List.of());
    return m;
  }

  @Test
  void freshMembersAreDialedOnlyUpToTheLinkCapChosenAtRandom() {
    Membership m = member(1, CONFIG.with(cfg -> cfg.maxLinks = 4));
    m.connected(1, addr(10), false); // linked already: not joining, filling its view
    m.membersFound(addrs(2, 9));
    time.advance(0);
    assertThat(fx.dials).hasSize(3).doesNotHaveDuplicates();
    assertThat(addrs(2, 9)).containsAll(fx.dials);
    assertThat(m.linksWanted()).as("dials in progress hold their slots").isZero();

    time.advance(5_000);
    assertThat(fx.dials).as("nothing settled: no new dials").hasSize(3);

    m.dialEnded(fx.dials.get(0).peerId()); // failed
    assertThat(m.linksWanted()).isEqualTo(1);
    time.advance(CONFIG.roundMs() * 2);
    assertThat(fx.dials).as("the next round fills the slot").hasSize(4);
  }

  @Test
  void dialingIsTrueExactlyWhileADialIsUnderWay() {
    Membership m = member(1, CONFIG);
    assertThat(m.dialing()).isFalse();
    m.membersFound(addrs(2, 3));
    time.advance(0);
    assertThat(fx.dials).hasSize(2);
    assertThat(m.dialing()).isTrue();
    m.dialEnded(id(2)); // failed
    assertThat(m.dialing()).as("one dial still under way").isTrue();
    m.connected(1, addr(3), true);
    assertThat(m.dialing()).as("linked: settled").isFalse();
    m.disconnected(1, id(3), null);
    assertThat(m.dialing()).as("a redial waits out its backoff: not dialing yet").isFalse();
    while (fx.dials.size() == 2 && time.now() < 60_000) {
      time.advance(1);
    }
    assertThat(m.dialing()).as("the redial started").isTrue();
  }

  @Test
  void aRoomBelowTheCapIsAFullMesh() {
    Membership m = member(1, CONFIG);
    m.membersFound(addrs(2, 9));
    m.connected(1, addr(11), false);
    m.learned(id(11), addr(10));
    time.advance(0);
    assertThat(fx.dials).containsExactlyInAnyOrderElementsOf(addrs(2, 10));
    // the PeerList's entry is a hint: dialed, but cached only once its Hello is verified and its
    // link has stayed up a while
    assertThat(fx.remembered).doesNotContain(addr(10));
    m.connected(2, addr(10), true);
    time.advance(CONFIG.rememberAfterMs() - 1);
    assertThat(fx.remembered).doesNotContain(addr(10));
    time.advance(CONFIG.roundMs() * 5 / 4 + 1); // the first round after it stood long enough
    assertThat(fx.remembered).contains(addr(10));
  }

  @Test
  void thisPeerAndUndialableAddressesAreNeverCandidates() {
    Membership m = member(1, CONFIG);
    m.membersFound(List.of(addr(1), new PeerAddress(id(3), "x", "", 0)));
    time.advance(5_000);
    assertThat(fx.dials).isEmpty();
    assertThat(m.knownCount()).isZero();
  }

  @Test
  void aLinkWhoseCloseWasNeverReportedDoesNotRefuseThePeersNextConnection() {
    Membership small = member(1, CONFIG);
    small.connected(11, addr(2), true); // we (the smaller) dialed 2: this link wins any tie
    fx.dead.add(11L); // its connection closed, but the report was lost
    fx.log.clear();
    small.connected(12, addr(2), false); // 2 dials us again
    assertThat(fx.log).doesNotContain("close 12 DUPLICATE_LINK").contains("up 12 p2");
    assertThat(small.linked(id(2))).isTrue();
    small.disconnected(11, id(2), null); // a late report of the dead one changes nothing
    assertThat(small.linked(id(2))).isTrue();
    // a swap, not the peer leaving and coming back: process tests count peer-up events, and an
    // extra pair made SeenByProcessTest and NickTrustProcessTest wait in vain (568983a at first)
    assertThat(fx.log).noneMatch(l -> l.startsWith("left") || l.startsWith("joined"));
  }

  @Test
  void theTieBreakKeepsTheConnectionTheSmallerIdDialed() {
    Membership small = member(1, CONFIG);
    small.connected(10, addr(2), false); // 2 dialed us
    small.connected(11, addr(2), true); // we (the smaller) dialed 2
    assertThat(fx.log)
        .containsExactly(
            "up 10 p2",
            "joined p2",
            "close 10 DUPLICATE_LINK",
            "down " + id(2).shortHex(),
            "up 11 p2");

    fx.log.clear();
    Membership big = member(3, CONFIG);
    big.connected(20, addr(2), false); // the smaller (2) dialed us: it wins
    big.connected(21, addr(2), true);
    assertThat(fx.log).containsExactly("up 20 p2", "joined p2", "close 21 DUPLICATE_LINK");
    big.disconnected(21, id(2), null);
    assertThat(big.linked(id(2))).as("the loser's close is no link down").isTrue();
  }

  @Test
  void twoConnectionsDialedByOneSideKeepTheNewer() {
    Membership m = member(1, CONFIG);
    m.connected(10, addr(2), true);
    m.connected(11, addr(2), true); // a redial after a silent failure
    assertThat(fx.log).contains("close 10 DUPLICATE_LINK", "up 11 p2");
  }

  @Test
  void aLostLinkIsRedialedWithJitteredBackoffThenGivenUp() {
    Membership m = member(1, CONFIG.with(cfg -> cfg.maxLinks = 1));
    m.connected(10, addr(2), true);
    m.disconnected(10, id(2), null);
    assertThat(fx.log).contains("left p2");
    List<Long> at = new ArrayList<>();
    long last = 0;
    for (int i = 0; i < 12; i++) {
      int before = fx.dials.size();
      while (fx.dials.size() == before && time.now() < 200_000) {
        time.advance(1);
      }
      if (fx.dials.size() == before) {
        break;
      }
      at.add(time.now() - last);
      last = time.now();
      m.dialEnded(id(2));
    }
    // attempt n waits uniformly in [d/2, d], d = min(10 s, 200 ms * 2^n); the rounds that refill
    // the one slot may dial p2 too once its redials are given up, so look at the redials only
    for (int n = 0; n < CONFIG.maxRedials(); n++) {
      long d = Math.min(CONFIG.redialMaxMs(), CONFIG.redialMinMs() << n);
      assertThat(at.get(n)).as("redial " + n).isBetween(d / 2, d);
    }
  }

  @Test
  void aPeerThatLeftIsNotRedialedAndIsReportedAtOnce() {
    Membership m = member(1, CONFIG);
    m.connected(10, addr(2), true);
    m.disconnected(10, id(2), new Close(CloseReason.LEAVING, "bye"));
    time.advance(60_000);
    assertThat(fx.dials).isEmpty();
    assertThat(fx.log).endsWith("left p2");
  }

  @Test
  void aSwapOfConnectionsIsNoLeaveAndNoJoin() {
    Membership m = member(3, CONFIG);
    m.connected(10, addr(2), true);
    m.disconnected(10, id(2), new Close(CloseReason.DUPLICATE_LINK, "dup"));
    m.connected(11, addr(2), false);
    time.advance(CONFIG.swapGraceMs() * 2);
    assertThat(fx.log)
        .filteredOn(s -> s.startsWith("joined") || s.startsWith("left"))
        .containsExactly("joined p2");

    m.disconnected(11, id(2), new Close(CloseReason.DUPLICATE_LINK, "dup"));
    time.advance(CONFIG.swapGraceMs() + 1);
    assertThat(fx.log).as("no new link within the grace: gone").endsWith("left p2");
  }

  @Test
  void aPinnedPeerIsRedialedForeverAndTheTrackerCanStopIt() {
    Membership m = member(1, CONFIG);
    m.pin(addr(2));
    for (int i = 0; i < 20; i++) {
      m.dialEnded(id(2));
      time.advance(CONFIG.redialMaxMs());
    }
    assertThat(fx.dials).hasSizeGreaterThan(CONFIG.maxRedials() + 5);
    m.memberLeft(id(2));
    int n = fx.dials.size();
    time.advance(60_000);
    assertThat(fx.dials).hasSize(n);
  }

  @Test
  void aLinkedPeerTheTrackerSaysLeftStaysKnownUntilItsLinkGoes() {
    Membership m = member(1, CONFIG.with(cfg -> cfg.maxLinks = 4));
    m.membersFound(addrs(2, 7));
    m.connected(12, addr(2), false);
    m.connected(13, addr(3), false);
    m.connected(14, addr(4), false);
    assertThat(m.partial()).as("7 peers, a cap of 4").isTrue();

    // a loaded box sent heartbeats late: the tracker expired four registrations at once
    for (int i = 2; i <= 5; i++) {
      m.memberLeft(id(i));
    }
    assertThat(m.knownCount())
        .as("the unlinked p5 is forgotten, the linked ones kept")
        .isEqualTo(5);
    assertThat(m.partial()).as("still a big room: not back to a full mesh").isTrue();

    m.membersFound(List.of(addr(3))); // p3 registered again
    m.disconnected(12, id(2), null);
    m.disconnected(13, id(3), null);
    assertThat(m.knownCount()).as("p2's link went: now the tracker's word stands").isEqualTo(4);
    assertThat(fx.log).contains("left p2", "left p3");
    time.advance(CONFIG.redialMaxMs());
    assertThat(fx.dials).as("p2 left by both accounts").doesNotContain(addr(2));
    assertThat(fx.dials).as("p3 is a member again: redialed").contains(addr(3));
  }

  @Test
  void nothingIsDialedAfterStop() {
    Membership m = member(1, CONFIG);
    m.connected(10, addr(2), true);
    m.stop();
    m.disconnected(10, id(2), null);
    m.membersFound(addrs(3, 9));
    m.connected(11, addr(3), false);
    time.advance(60_000);
    assertThat(fx.dials).isEmpty();
    assertThat(fx.log).contains("close 11 LEAVING");
  }

  @Test
  void aFloodOfNamesCannotGrowTheAddressBookPastItsBound() {
    Membership m = member(1, CONFIG.with(cfg -> cfg.maxLinks = 4));
    m.connected(1, addr(2), false);
    for (int i = 0; i < 5_000; i++) {
      byte[] b = {1, (byte) (i >> 8), (byte) i};
      m.learned(id(2), new PeerAddress(PeerId.of(b), "x", "h", 9));
    }
    assertThat(m.knownCount()).isEqualTo(CONFIG.maxKnown());
    time.advance(0);
    assertThat(fx.dials).as("never more than the cap").hasSize(3);
    time.advance(60_000);
    assertThat(fx.dials).as("nothing settled: no more dials").hasSize(3);
    m.disconnected(1, id(2), null);
    assertThat(m.knownCount()).as("its namer gone, only the namer is left").isOne();
  }

  @Test
  void noPeerEverHoldsMoreLinksThanTheCapWhoeverDialed() {
    Membership m = member(1, CONFIG.with(cfg -> cfg.maxLinks = 3));
    for (int i = 2; i <= 6; i++) {
      m.connected(i, addr(i), i % 2 == 0);
    }
    assertThat(m.linkCount()).isEqualTo(3);
    assertThat(fx.log)
        .contains("close 5 LIMIT_EXCEEDED", "close 6 LIMIT_EXCEEDED")
        .doesNotContain("up 5 p5", "up 6 p6");
  }

  @Test
  void aPeerThatRefusedForItsCapIsNotRedialed() {
    Membership m = member(1, CONFIG.with(cfg -> cfg.maxLinks = 4));
    m.connected(10, addr(2), true);
    m.disconnected(10, id(2), new Close(CloseReason.LIMIT_EXCEEDED, "link cap reached"));
    time.advance(CONFIG.roundMs() / 2); // before any round: only a redial could dial now
    assertThat(fx.dials).isEmpty();
  }

  @Test
  void theActiveViewIsEveryoneInASmallRoomAndLogarithmicInABigOne() {
    Membership m = member(1, CONFIG);
    m.membersFound(addrs(2, 15));
    assertThat(m.activeTarget()).isEqualTo(32);
    for (int i = 0; i < 1_100; i++) {
      byte[] b = {2, (byte) (i >> 8), (byte) i};
      m.hinted(new PeerAddress(PeerId.of(b), "x", "h", 9));
    }
    // N = 1 025 (the address book's bound, plus this peer): ceil(log2 N) + 2 = 11 + 2
    assertThat(m.activeTarget()).isEqualTo(13);
    time.advance(0);
    assertThat(fx.dials).as("alone: join through one contact").hasSize(1);
    m.connected(1, fx.dials.get(0), true);
    time.advance(CONFIG.roundMs() * 3);
    assertThat(fx.dials).as("after the join window, fill up to the view").hasSize(13);
  }

  @Test
  void theSameSeedDialsTheSamePeers() {
    List<PeerAddress> first = run();
    fx.dials.clear();
    assertThat(run()).isEqualTo(first);
  }

  private List<PeerAddress> run() {
    EventQueue t = new EventQueue();
    Membership m =
        new Membership(
            CONFIG.with(cfg -> cfg.maxLinks = 5),
            id(1),
            fx,
            new PeerScheduler(t),
            new SplittableRandom(42));
    m.start(addrs(2, 15));
    m.membersFound(addrs(2, 15));
    t.advance(10_000);
    return new ArrayList<>(fx.dials);
  }
}
