package meshchat.peer.membership;

import static meshchat.peer.membership.MembershipTest.addr;
import static meshchat.peer.membership.MembershipTest.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.message.LinkMessage.ForwardJoin;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.Shuffle;
import meshchat.peer.message.LinkMessage.ShuffleReply;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * A name given by a neighbour (PeerList, ForwardJoin, Shuffle) is a stranger's word: dialed at a
 * bounded rate per namer and after the peers vouched for, forgotten after it fails or when its
 * namer leaves, never allowed to move a known peer, never cached or passed on unproven.
 */
class PeerListHintsTest {
  static final MembershipConfig CONFIG = MembershipConfig.defaults();
  static final String THIRD_PARTY = "192.0.2.7"; // no peer: whom mallory wants attacked

  final EventQueue time = new EventQueue();
  final PeerScheduler clock = new PeerScheduler(time);
  final Recorder fx = new Recorder();
  final Membership m = new Membership(CONFIG, id(1), fx, clock, new SplittableRandom(7));

  PeerListHintsTest() {
    m.start(List.of());
  }

  /** Fake peer {@code i} whose address is the third party's. */
  static PeerAddress fake(int i) {
    byte[] b = {9, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
    return new PeerAddress(PeerId.of(b), "fake", THIRD_PARTY, 80);
  }

  long dialsOfTheThirdParty() {
    return fx.dials.stream().filter(a -> a.host().equals(THIRD_PARTY)).count();
  }

  /** Every dial so far fails, as a dial of something that is no peer does. */
  void failEveryDial() {
    for (PeerAddress a : List.copyOf(fx.dials)) {
      m.dialEnded(a.peerId());
    }
  }

  @Test
  void aStrangersHintsAreDialedAtABoundedRateAfterTheTrackersMembers() {
    m.connected(1, addr(2), false); // mallory, linked
    for (int i = 0; i < 500; i++) {
      m.learned(id(2), fake(i));
    }
    m.membersFound(MembershipTest.addrs(3, 12));
    time.advance(0);
    // peers vouched for first: a stranger's 500 names cannot crowd out the tracker's 10
    assertThat(fx.dials).containsAll(MembershipTest.addrs(3, 12));
    assertThat(dialsOfTheThirdParty()).isBetween(0L, (long) HintBudget.BURST);

    for (int s = 0; s < 30; s++) { // half a minute of failures, rounds and renamings
      failEveryDial();
      for (int i = 0; i < 50; i++) {
        m.learned(id(2), fake(1_000 * (s + 1) + i));
      }
      time.advance(1_000);
    }
    long bound = HintBudget.BURST + 31 * 1_000 / HintBudget.REFILL_MS;
    assertThat(dialsOfTheThirdParty()).isBetween(HintBudget.BURST + 1L, bound);
    assertThat(fx.remembered).noneMatch(a -> a.host().equals(THIRD_PARTY));
  }

  @Test
  void aHintThatFailsIsForgottenAndNeverDialedAgain() {
    m.connected(1, addr(2), false);
    m.learned(id(2), fake(0));
    time.advance(0);
    assertThat(dialsOfTheThirdParty()).isOne();
    failEveryDial();
    assertThat(m.knownCount()).isOne(); // mallory only
    m.learned(id(2), addr(9)); // an unrelated hint keeps rounds busy
    time.advance(120_000);
    assertThat(dialsOfTheThirdParty()).isOne();
  }

  @Test
  void theHintsOfAPeerThatLeftAreForgottenUndialedAndItsLaterWordIgnored() {
    m.connected(1, addr(2), false);
    for (int i = 0; i < 100; i++) {
      m.learned(id(2), fake(i));
    }
    time.advance(0);
    long before = dialsOfTheThirdParty();
    m.disconnected(1, id(2), null);
    failEveryDial();
    assertThat(m.knownCount()).as("mallory herself, to redial").isOne();
    assertThat(m.hintCount()).isZero();
    m.learned(id(2), fake(500)); // a PeerList that was queued behind the link's end
    time.advance(120_000);
    assertThat(dialsOfTheThirdParty()).isEqualTo(before);
  }

  @Test
  void aHintCannotMoveAPeerTheTrackerNamed() {
    m.membersFound(List.of(addr(3)));
    m.connected(1, addr(2), false);
    m.learned(id(2), new PeerAddress(id(3), "p3", THIRD_PARTY, 80));
    time.advance(0);
    assertThat(fx.dials).contains(addr(3));
    assertThat(dialsOfTheThirdParty()).isZero();
  }

  @Test
  void aHintProvedByALinkIsAPeerLikeAnyOther() {
    m.connected(1, addr(2), false);
    m.learned(id(2), addr(4));
    time.advance(0);
    assertThat(fx.remembered).doesNotContain(addr(4));
    m.connected(2, addr(4), true);
    m.disconnected(1, id(2), null); // its namer leaves: the proven peer stays
    assertThat(m.linked(id(4))).isTrue();
    // its link stood a while: remembered at the next round
    time.advance(
        MembershipConfig.defaults().rememberAfterMs()
            + MembershipConfig.defaults().roundMs() * 5 / 4);
    assertThat(fx.remembered).contains(addr(4));
    m.disconnected(2, id(4), null);
    time.advance(60_000);
    assertThat(fx.dials.stream().filter(a -> a.equals(addr(4))).count())
        .as("a lost link is redialed, as for any peer")
        .isGreaterThan(1);
  }

  /** In a big room (partial views): walks and shuffles name peers too. */
  Membership big() {
    Membership b =
        new Membership(
            CONFIG.with(d -> d.maxLinks = 12), id(1), fx, clock, new SplittableRandom(3));
    b.start(List.of());
    b.membersFound(ViewsTest.addrs(1, 99));
    b.connected(1, addr(2), false); // mallory
    b.connected(2, addr(3), false); // an honest neighbour
    time.advance(0);
    fx.dials.clear();
    fx.sent.clear();
    return b;
  }

  @Test
  void forwardJoinsNamingAThirdPartyAreDialedOnTheNamersBudget() {
    Membership b = big();
    for (int s = 0; s < 10; s++) {
      for (int i = 0; i < 50; i++) {
        b.receive(id(2), new ForwardJoin(fake(s * 100 + i), 0));
      }
      time.advance(0);
      failEveryDial();
      time.advance(1_000);
    }
    assertThat(dialsOfTheThirdParty())
        .as("a burst, then one a second")
        .isBetween(1L, HintBudget.BURST + 10L);
    long before = dialsOfTheThirdParty();
    b.disconnected(1, id(2), null);
    time.advance(60_000);
    assertThat(dialsOfTheThirdParty()).isEqualTo(before);
  }

  @Test
  void shuffledNamesAreHintsAndAreNeverPassedOnUnproven() {
    Membership b = big();
    List<PeerAddress> fakes = List.of(fake(1), fake(2), fake(3), fake(4), fake(5));
    b.receive(id(2), new ShuffleReply(fakes));
    b.receive(id(2), new Shuffle(0, fakes));
    assertThat(b.hintCount()).isEqualTo(5);
    time.advance(Views.SHUFFLE_MS * 10);
    assertThat(fx.sent)
        .as("shuffles and their replies carry only peers this one vouches for")
        .filteredOn(s -> s.contains("Shuffle"))
        .isNotEmpty()
        .noneMatch(s -> s.contains(THIRD_PARTY));
    b.disconnected(1, id(2), null);
    assertThat(b.hintCount()).isZero();
  }
}
