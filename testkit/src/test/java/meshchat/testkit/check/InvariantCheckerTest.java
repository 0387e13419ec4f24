package meshchat.testkit.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * The checker can fail: hand-made histories, each broken in one way, and each is caught and named.
 * The story: p0 says a1, p1 answers b1 (having seen a1), p0 follows up with a2 (having seen b1).
 */
class InvariantCheckerTest {
  private static final PeerId P0 = PeerId.fromHex("00");
  private static final PeerId P1 = PeerId.fromHex("01");

  private static ChatMessage msg(PeerId o, long seq, long lamport, String text, MessageId... deps) {
    return new ChatMessage(new MessageId(o, seq), lamport, 0, "n", text, List.of(deps));
  }

  private static final ChatMessage A1 = msg(P0, 1, 1, "hi");
  private static final ChatMessage B1 = msg(P1, 1, 2, "hello", A1.id());
  private static final ChatMessage A2 = msg(P0, 2, 3, "how are you", B1.id());

  /** A peer that showed {@code shown} in that order, with honest late flags, storing them all. */
  private static PeerHistory peer(String name, PeerId id, ChatMessage... shown) {
    List<Delivered> log = new ArrayList<>();
    ChatMessage max = null;
    for (ChatMessage m : shown) {
      boolean late = max != null && m.timestamp().compareTo(max.timestamp()) < 0;
      log.add(new Delivered(log.size(), m, late, false, false));
      if (!late) {
        max = m;
      }
    }
    List<ChatMessage> store = new ArrayList<>(List.of(shown));
    store.sort(Comparator.comparing(ChatMessage::timestamp));
    return new PeerHistory(
        name, id, true, List.of(new Segment(0, Set.of(), log)), List.copyOf(store), 0);
  }

  private static History history(PeerHistory p0, PeerHistory p1) {
    return new History(
        List.of(p0, p1),
        List.of(
            new History.Sent(A1.id(), 0, 0, true),
            new History.Sent(B1.id(), 1, 1, true),
            new History.Sent(A2.id(), 0, 2, true)));
  }

  @Test
  void anHonestHistoryPasses() {
    CheckReport r =
        InvariantChecker.check(history(peer("p0", P0, A1, B1, A2), peer("p1", P1, A1, B1, A2)));
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void aSkippedLamportUpdateIsCaught() {
    // p1 stamped its reply without receiving a1's time: lamport 1, not 2
    ChatMessage b1 = msg(P1, 1, 1, "hello", A1.id());
    ChatMessage a2 = msg(P0, 2, 3, "how are you", b1.id());
    History h =
        new History(
            List.of(peer("p0", P0, A1, b1, a2), peer("p1", P1, A1, b1, a2)),
            List.of(new History.Sent(b1.id(), 1, 0, true)));
    CheckReport r = InvariantChecker.check(h);
    assertThat(r.held(Invariant.CAUSALITY)).isFalse();
    assertThat(r.violations().get(0).detail())
        .contains("p1:1 has Lamport time 1, not later than its dependency p0:1");
  }

  @Test
  void aDroppedMessageIsCaught() {
    CheckReport r =
        InvariantChecker.check(history(peer("p0", P0, A1, B1, A2), peer("p1", P1, A1, B1)));
    assertThat(r.held(Invariant.CONVERGENCE)).isFalse();
    assertThat(r.held(Invariant.NO_LOSS)).isFalse();
    assertThat(r.violations())
        .anySatisfy(v -> assertThat(v.detail()).contains("p1 never received 1").contains("p0:2"));
  }

  @Test
  void aReorderedCausalPairIsCaught() {
    CheckReport r =
        InvariantChecker.check(history(peer("p0", P0, A1, B1, A2), peer("p1", P1, B1, A1, A2)));
    assertThat(r.held(Invariant.CAUSALITY)).isFalse();
    assertThat(r.violations())
        .anySatisfy(
            v -> {
              assertThat(v.peers()).containsExactly("p1");
              assertThat(v.messages()).containsExactly("p1:1", "p0:1");
            });
  }

  @Test
  void aReorderedOriginIsCaughtAsFifo() {
    ChatMessage x2 = msg(P0, 2, 5, "second"); // no deps beyond its predecessor
    History h = new History(List.of(peer("p0", P0, A1, x2), peer("p1", P1, x2, A1)), List.of());
    CheckReport r = InvariantChecker.check(h);
    assertThat(r.held(Invariant.FIFO)).isFalse();
    assertThat(r.violations())
        .anySatisfy(v -> assertThat(v.detail()).isEqualTo("p1 showed p0:1 after p0:2"));
  }

  @Test
  void aDuplicateDeliveryIsCaught() {
    CheckReport r =
        InvariantChecker.check(history(peer("p0", P0, A1, B1, A2), peer("p1", P1, A1, B1, B1, A2)));
    assertThat(r.held(Invariant.NO_DUPLICATE)).isFalse();
    assertThat(r.violations())
        .anySatisfy(v -> assertThat(v.detail()).isEqualTo("p1 showed p1:1 twice"));
  }

  @Test
  void aForkIsCaught() {
    ChatMessage other = msg(P0, 2, 3, "something else entirely", B1.id());
    CheckReport r =
        InvariantChecker.check(history(peer("p0", P0, A1, B1, A2), peer("p1", P1, A1, B1, other)));
    assertThat(r.held(Invariant.NO_FORK)).isFalse();
    assertThat(r.violations()).anySatisfy(v -> assertThat(v.peers()).containsExactly("p0", "p1"));
  }

  @Test
  void aWrongLateFlagBreaksAgreement() {
    // p1 shows b1 then a1 (a1 sorts first) but does not flag a1 late
    ChatMessage c1 = msg(P1, 1, 2, "concurrent");
    ChatMessage a1 = msg(P0, 1, 1, "hi");
    List<Delivered> log =
        List.of(
            new Delivered(0, c1, false, false, false), new Delivered(1, a1, false, false, false));
    PeerHistory p1 =
        new PeerHistory("p1", P1, true, List.of(new Segment(0, Set.of(), log)), List.of(a1, c1), 0);
    CheckReport r =
        InvariantChecker.check(new History(List.of(peer("p0", P0, a1, c1), p1), List.of()));
    assertThat(r.held(Invariant.AGREEMENT)).isFalse();
  }

  @Test
  void aMessageShownIncompleteIsCountedNotReported() {
    List<Delivered> log =
        List.of(
            new Delivered(0, B1, false, false, true), // its dependency a1 had not arrived
            new Delivered(1, A1, true, false, false),
            new Delivered(2, A2, false, false, false));
    PeerHistory p1 =
        new PeerHistory(
            "p1", P1, true, List.of(new Segment(0, Set.of(), log)), List.of(A1, B1, A2), 0);
    CheckReport r = InvariantChecker.check(history(peer("p0", P0, A1, B1, A2), p1));
    assertThat(r.violations()).isEmpty();
    assertThat(r.incomplete()).isEqualTo(1);
  }

  /** {@code shown}, in that order, as a simulated run logs it: in a log numbered by {@code t}. */
  private static PeerHistory logged(
      DeliveryLog.Messages t, String name, PeerId id, Delivered... shown) {
    DeliveryLog log = new DeliveryLog(t);
    List.of(shown).forEach(log::add);
    List<ChatMessage> store = new ArrayList<>();
    for (Delivered d : shown) {
      if (!store.contains(d.message())) {
        store.add(d.message());
      }
    }
    store.sort(Comparator.comparing(ChatMessage::timestamp));
    return new PeerHistory(name, id, true, List.of(new Segment(0, Set.of(), log)), store, 0);
  }

  private static Delivered at(long t, ChatMessage m, boolean late, boolean incomplete) {
    return new Delivered(t, m, late, false, incomplete);
  }

  @Test
  void onSeveralThreadsTheReportIsTheSameViolationForViolationInPeerOrder() {
    DeliveryLog.Messages t = new DeliveryLog.Messages();
    ChatMessage c1 = msg(P1, 1, 2, "concurrent");
    History h =
        new History(
            List.of(
                logged(t, "p0", P0, at(0, A1, false, false), at(1, B1, false, false)),
                logged(t, "p1", P1, at(0, A1, false, false), at(1, A1, false, false)), // twice
                logged(t, "p2", P1, at(0, B1, false, false), at(1, A1, true, false)), // causality
                logged(t, "p3", P1, at(0, c1, false, false), at(1, A1, false, false)), // not late
                logged(t, "p4", P1, at(0, B1, false, true), at(1, A1, true, false)), // incomplete
                logged(t, "p5", P1, at(0, B1, false, false), at(1, A1, true, false))), // causality
            List.of());
    CheckReport one = InvariantChecker.check(h);
    assertThat(one.violations())
        .extracting(Violation::invariant)
        .containsSubsequence(
            Invariant.NO_DUPLICATE, Invariant.CAUSALITY, Invariant.AGREEMENT, Invariant.CAUSALITY);
    assertThat(one.incomplete()).isEqualTo(1);
    for (int threads = 2; threads <= 7; threads++) {
      CheckReport many = InvariantChecker.check(h, threads);
      assertThat(many.violations()).as("%d threads", threads).isEqualTo(one.violations());
      assertThat(many.incomplete()).isEqualTo(one.incomplete());
      assertThat(many.lostWithWipedStore()).isEqualTo(one.lostWithWipedStore());
    }
  }

  /** {@code p} as it ends knowing that {@code author} equivocated from {@code seq}. */
  private static PeerHistory naming(PeerHistory p, PeerId author, long seq) {
    return new PeerHistory(
        p.name(),
        p.id(),
        p.alive(),
        p.segments(),
        p.finalStore(),
        p.forkNotices(),
        Map.of(author, seq));
  }

  /**
   * p0 signed a2 for itself and another second message for p1; p0 ends naming itself as
   * equivocating from {@code p0Names}, p1 from {@code p1Names} (null: p1 names nobody).
   */
  private static CheckReport twoVersionsOfP0sSecond(long p0Names, Long p1Names) {
    ChatMessage other = msg(P0, 2, 3, "something else entirely", B1.id());
    PeerHistory p1 = peer("p1", P1, A1, B1, other);
    return InvariantChecker.check(
        history(
            naming(peer("p0", P0, A1, B1, A2), P0, p0Names),
            p1Names == null ? p1 : naming(p1, P0, p1Names)));
  }

  @Test
  void twoVersionsOfAProvenEquivocatorsMessageAreNoForkWhenEveryPeerNamesIt() {
    // both caught it at seq 2
    assertThat(twoVersionsOfP0sSecond(2, 2L).violations()).isEmpty();
  }

  @Test
  void aPeerThatDoesNotNameTheEquivocatorBreaksTheInvariant() {
    CheckReport r = twoVersionsOfP0sSecond(2, null);
    assertThat(r.held(Invariant.EQUIVOCATION)).isFalse();
    assertThat(r.violations())
        .anySatisfy(
            v ->
                assertThat(v.detail())
                    .isEqualTo("p1 names nobody as equivocating, the room p0 from #2"));
  }

  @Test
  void aForkBelowTheFrozenSeqIsStillCaught() {
    CheckReport r = twoVersionsOfP0sSecond(3, 3L);
    assertThat(r.held(Invariant.EQUIVOCATION)).isTrue();
    assertThat(r.held(Invariant.NO_FORK)).as("seq 2 is below the frozen seq").isFalse();
  }
}
