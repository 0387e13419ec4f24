package meshchat.peer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.message.LinkMessage.ForwardJoin;
import meshchat.peer.message.LinkMessage.Join;
import meshchat.peer.message.LinkMessage.Neighbor;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.Shuffle;
import meshchat.peer.message.LinkMessage.ShuffleReply;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/** HyParView in a big room: join, forward-join walks, neighbor priorities, shuffles, repair. */
class ViewsTest {
  /** A cap of 12: any room of more than 12 peers is partial; 100 peers want 9 links. */
  static final MembershipConfig CONFIG = MembershipConfig.defaults().with(d -> d.maxLinks = 12);

  final EventQueue time = new EventQueue();
  final PeerScheduler clock = new PeerScheduler(time);
  final Recorder fx = new Recorder();

  static PeerId id(int i) {
    return PeerId.of(new byte[] {7, (byte) (i >> 8), (byte) i});
  }

  static PeerAddress addr(int i) {
    return new PeerAddress(id(i), "p" + i, "10.0." + (i >> 8) + "." + (i & 255), 7000);
  }

  static List<PeerAddress> addrs(int from, int to) {
    List<PeerAddress> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(addr(i));
    }
    return out;
  }

  /** Peer 0 in a room of 100 it knows of, with links to {@code linked}. */
  Membership big(int... linked) {
    Membership m = new Membership(CONFIG, id(0), fx, clock, new SplittableRandom(3));
    m.start(List.of());
    m.membersFound(addrs(1, 99));
    long c = 100;
    for (int p : linked) {
      m.connected(c++, addr(p), false);
    }
    time.advance(0); // the fill: fresh dials up to the target, left pending
    fx.dials.clear();
    fx.sent.clear();
    return m;
  }

  private List<String> sentTo(int p) {
    String prefix = id(p).shortHex() + " ";
    return fx.sent.stream()
        .filter(s -> s.startsWith(prefix))
        .map(s -> s.substring(prefix.length()))
        .toList();
  }

  @Test
  void aloneInABigRoomAPeerJoinsThroughOneContactAndWaitsForTheWalks() {
    Membership m = new Membership(CONFIG, id(0), fx, clock, new SplittableRandom(3));
    m.start(List.of());
    m.membersFound(addrs(1, 99));
    time.advance(0);
    assertThat(m.partial()).isTrue();
    assertThat(fx.dials).as("one contact, not everyone").hasSize(1);

    PeerAddress contact = fx.dials.get(0);
    m.connected(1, contact, true);
    m.dialEnded(contact.peerId());
    assertThat(fx.sent).containsExactly(contact.peerId().shortHex() + " " + new Join());

    time.advance(Views.JOIN_WINDOW_MS / 2);
    assertThat(fx.dials).as("the walks' links are still arriving: no fresh dials").hasSize(1);
    for (int i = 0; i < 3; i++) { // three walks ended here
      PeerAddress a = addrs(1, 99).stream().filter(x -> !x.equals(contact)).toList().get(i);
      m.connected(10 + i, a, false);
      m.receive(a.peerId(), new Neighbor(true));
    }
    assertThat(m.linkCount()).isEqualTo(4);

    time.advance(Views.JOIN_WINDOW_MS + CONFIG.roundMs() * 2);
    // N = 100: ceil(log2 100) + 2 = 9 links; 4 are up, the rounds dial the rest
    assertThat(m.activeTarget()).isEqualTo(9);
    assertThat(fx.dials).hasSize(1 + 5);
    PeerAddress promoted = fx.dials.get(1);
    m.connected(20, promoted, true);
    assertThat(fx.sent).endsWith(promoted.peerId().shortHex() + " " + new Neighbor(false));
  }

  @Test
  void theContactForwardsAJoinOnEveryOtherLinkAndAWalkEndsInADial() {
    Membership m = big(1, 2, 3);
    m.connected(50, addr(4), false);
    m.receive(id(4), new Join());
    for (int p = 1; p <= 3; p++) {
      assertThat(sentTo(p)).containsExactly(new ForwardJoin(addr(4), Views.ARWL).toString());
    }
    assertThat(sentTo(4)).isEmpty();

    fx.sent.clear();
    m.receive(id(1), new ForwardJoin(addr(60), 0));
    time.advance(0);
    assertThat(fx.dials).as("the walk ends here: dial the newcomer").containsExactly(addr(60));
    m.connected(51, addr(60), true);
    assertThat(sentTo(60)).containsExactly(new Neighbor(true).toString());
  }

  @Test
  void aWalkGoesOnToAnotherLinkAndItsLengthIsOursNotTheSenders() {
    Membership m = big(1, 2);
    m.receive(id(1), new ForwardJoin(addr(60), 255));
    assertThat(sentTo(2)).containsExactly(new ForwardJoin(addr(60), Views.ARWL - 1).toString());
    assertThat(fx.dials).isEmpty();

    m.receive(id(1), new ForwardJoin(addr(61), Views.PRWL));
    assertThat(sentTo(2)).endsWith(new ForwardJoin(addr(61), Views.PRWL - 1).toString());
    assertThat(m.passiveSample(1000)).as("kept as a passive candidate").contains(addr(61));
  }

  @Test
  void walksCannotMakeAPeerDialWithoutBound() {
    Membership few = big(1, 2, 3, 4, 5, 6, 7, 8, 9); // no fresh dials pending
    for (int i = 200; i < 400; i++) {
      few.receive(id(1), new ForwardJoin(addr(i), 0));
    }
    time.advance(0);
    assertThat(fx.dials).as("the cap leaves 3, the window's budget more").hasSize(3);

    fx.dials.clear();
    Membership m = big(1, 2);
    for (int i = 200; i < 400; i++) {
      m.receive(id(1), new ForwardJoin(addr(i), 0));
    }
    time.advance(0);
    // 2 links and 7 fresh dials pending (the target is 9) leave 3 slots under the cap of 12
    assertThat(fx.dials).hasSize(3);
    assertThat(fx.dials).allMatch(a -> a.nick().compareTo("p200") >= 0);
  }

  @Test
  void aFullViewRefusesALowPriorityNeighborAndNeitherSideRedials() {
    Membership m = big(1, 2, 3, 4, 5, 6, 7, 8, 9); // 9 = the target for N = 100
    assertThat(m.linkCount()).isEqualTo(m.activeTarget());
    m.connected(60, addr(10), false);
    m.receive(id(10), new Neighbor(false));
    assertThat(fx.log).contains("close 60 LIMIT_EXCEEDED");
    assertThat(m.linked(id(10))).isFalse();
    m.disconnected(60, id(10), null);
    time.advance(CONFIG.roundMs() / 2);
    assertThat(fx.dials).isEmpty();

    fx.log.clear();
    m.connected(61, addr(11), false);
    m.receive(id(11), new Neighbor(true));
    assertThat(m.linked(id(11))).as("a high-priority neighbor is kept").isTrue();
  }

  @Test
  void highPriorityNeighborsBeyondTheTargetDropRandomOthersToThePassiveView() {
    Membership m = big(1, 2, 3, 4, 5, 6, 7, 8);
    for (int i = 20; i < 40 && m.linkCount() < CONFIG.maxLinks(); i++) {
      m.connected(i, addr(i), false);
      m.receive(id(i), new Neighbor(true));
      assertThat(m.linkCount()).isLessThanOrEqualTo(m.activeTarget() + Views.OVER_TARGET);
    }
    assertThat(fx.log).anyMatch(s -> s.endsWith("LIMIT_EXCEEDED"));
  }

  @Test
  void aShuffleWalksThenItsLastHopKeepsThePeersAndAnswersOneHopBack() {
    Membership m = big(1, 2);
    List<PeerAddress> carried = addrs(300, 304);
    m.receive(id(1), new Shuffle(2, carried));
    assertThat(sentTo(2)).containsExactly(new Shuffle(1, carried).toString());

    Membership end = big(1);
    fx.sent.clear();
    end.receive(id(1), new Shuffle(3, carried)); // one link: the walk ends here
    assertThat(sentTo(1)).singleElement().asString().startsWith("ShuffleReply");
    assertThat(end.passiveSample(1000)).containsAll(carried);

    end.receive(id(1), new ShuffleReply(addrs(400, 430)));
    assertThat(end.passiveSample(1000))
        .as("at most a shuffle's worth taken from one reply")
        .filteredOn(a -> addrs(400, 430).contains(a))
        .hasSize(Views.SHUFFLE_MAX);
  }

  @Test
  void everyPeerShufflesPeriodicallyInABigRoom() {
    Membership m = big(1, 2, 3);
    time.advance(Views.SHUFFLE_MS * 5);
    assertThat(fx.sent).filteredOn(s -> s.contains("Shuffle[")).hasSizeBetween(3, 7);
  }

  @Test
  void aCrashedNeighborsSlotGoesToAPassivePeerAfterOneFailedRedial() {
    Membership m = big(1, 2, 3, 4, 5, 6, 7, 8, 9);
    m.disconnected(100, id(1), null); // no Close: crashed or cut
    time.advance(CONFIG.redialMinMs());
    assertThat(fx.dials).as("the lost peer is redialed first").containsExactly(addr(1));
    m.dialEnded(id(1)); // refused: it is dead
    time.advance(0);
    assertThat(fx.dials).as("a passive peer is promoted at once").hasSize(2);
    assertThat(fx.dials.get(1)).isNotEqualTo(addr(1));
  }

  @Test
  void messagesFromAPeerThatIsNotLinkedAreIgnored() {
    Membership m = big(1);
    m.receive(id(77), new Join());
    m.receive(id(77), new ForwardJoin(addr(60), 0));
    time.advance(0);
    assertThat(fx.sent).isEmpty();
    assertThat(fx.dials).isEmpty();
  }

  @Test
  void aSmallRoomStaysAFullMeshWithNoViewMessages() {
    Membership m = new Membership(CONFIG, id(0), fx, clock, new SplittableRandom(3));
    m.start(List.of());
    m.membersFound(addrs(1, 11)); // 12 peers: fits the cap of 12
    time.advance(0);
    assertThat(m.partial()).isFalse();
    assertThat(fx.dials).hasSize(11);
    m.connected(1, addr(1), true);
    m.connected(2, addr(2), false);
    m.receive(id(2), new Neighbor(false));
    assertThat(fx.sent).isEmpty();
    assertThat(m.linkCount()).isEqualTo(2);
  }

  @Test
  void aDeadContactIsForgottenAndAnotherTried() {
    Membership m = new Membership(CONFIG, id(0), fx, clock, new SplittableRandom(3));
    m.start(List.of());
    m.membersFound(addrs(1, 99));
    time.advance(0);
    PeerAddress first = fx.dials.get(0);
    m.dialEnded(first.peerId());
    time.advance(0);
    assertThat(fx.dials).hasSize(2);
    assertThat(m.passiveSample(1000)).doesNotContain(first);
    assertThat(m.knownCount()).isEqualTo(98);
  }
}
