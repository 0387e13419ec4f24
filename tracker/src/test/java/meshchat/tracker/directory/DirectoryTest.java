package meshchat.tracker.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import meshchat.peer.message.PeerId;
import meshchat.tracker.directory.RegisterOutcome.Accepted;
import meshchat.tracker.directory.RegisterOutcome.Refusal;
import meshchat.tracker.directory.RegisterOutcome.Refused;
import meshchat.tracker.directory.RoomEvent.LeaveReason;
import org.junit.jupiter.api.Test;

class DirectoryTest {
  private static final Duration TTL = Duration.ofSeconds(15);
  private final MutableClock clock = new MutableClock();
  private Directory directory = new Directory(clock, new Limits(100, 100, 10, TTL));

  private static final SessionId S1 = new SessionId(1);
  private static final SessionId S2 = new SessionId(2);
  private static final SessionId S3 = new SessionId(3);

  static Member member(String name) {
    return new Member(PeerId.of(name.getBytes(StandardCharsets.UTF_8)), name, "10.0.0.1", 7000);
  }

  private Accepted accept(SessionId s, String room, Member m) {
    RegisterOutcome outcome = directory.register(s, room, m);
    assertThat(outcome).isInstanceOf(Accepted.class);
    return (Accepted) outcome;
  }

  @Test
  void registerAnswersWithTheOthersAndTellsThem() {
    accept(S1, "general", member("alice"));
    Accepted bob = accept(S2, "general", member("bob"));

    assertThat(bob.others()).containsExactly(member("alice"));
    assertThat(bob.change()).isPresent();
    assertThat(bob.change().get().recipients()).containsExactly(S1);
    assertThat(bob.change().get().event())
        .isEqualTo(new RoomEvent.Joined("general", member("bob"), S2));
  }

  @Test
  void sameSessionReRegisteringIsAQuietRefresh() {
    accept(S1, "general", member("alice"));
    clock.advance(Duration.ofSeconds(10));
    Accepted again = accept(S1, "general", member("alice"));
    clock.advance(Duration.ofSeconds(10));

    assertThat(again.change()).isEmpty();
    assertThat(directory.expire()).isEmpty();
    assertThat(directory.registrationCount()).isEqualTo(1);
  }

  @Test
  void reRegisteringWithANewNickTellsTheOthers() {
    accept(S1, "general", member("alice"));
    accept(S2, "general", member("bob"));
    Member renamed = new Member(member("alice").peerId(), "alicia", "10.0.0.1", 7000);
    clock.advance(Duration.ofMillis(Directory.RESTATE_GAP_MILLIS));

    Accepted again = accept(S1, "general", renamed);

    assertThat(again.change().orElseThrow().recipients()).containsExactly(S2);
    assertThat(directory.lookup("general")).containsExactly(renamed, member("bob"));
  }

  /**
   * rev31 FINDING-2: statements made sooner than the gap after the last push wait, and the latest
   * goes out once, on the first expiry tick after it; a Lookup answers the latest meanwhile.
   */
  @Test
  void restatementsWithinTheGapArePushedOnceTheLatestOnTheNextTickAfterIt() {
    accept(S1, "general", member("alice"));
    accept(S2, "general", member("bob"));
    PeerId alice = member("alice").peerId();
    Member last = null;
    for (int i = 0; i < 40; i++) {
      clock.advance(Duration.ofMillis(100));
      last = new Member(alice, "alice" + i, "10.0.0.1", 7000);
      assertThat(accept(S1, "general", last).change()).as("restatement %d", i).isEmpty();
    }
    assertThat(directory.lookup("general")).containsExactly(last, member("bob"));
    assertThat(tick()).as("a tick inside the gap").isEmpty();

    clock.advance(Duration.ofMillis(Directory.RESTATE_GAP_MILLIS - 4_000));
    List<Change> pushed = tick();
    assertThat(pushed)
        .singleElement()
        .satisfies(c -> assertThat(c.recipients()).containsExactly(S2));
    assertThat(pushed.get(0).event()).isEqualTo(new RoomEvent.Joined("general", last, S1));
    assertThat(tick()).as("told once").isEmpty();

    // the next change, inside the new gap, waits again; one after it goes at once
    clock.advance(Duration.ofMillis(1_000));
    assertThat(accept(S1, "general", member("alice")).change()).isEmpty();
    clock.advance(Duration.ofMillis(Directory.RESTATE_GAP_MILLIS));
    assertThat(accept(S1, "general", new Member(alice, "al", "10.0.0.1", 7000)).change())
        .isPresent();
    assertThat(tick()).as("the waiting one was overtaken").isEmpty();
  }

  /** An expiry tick with both sessions alive (heartbeats just before it). */
  private List<Change> tick() {
    directory.heartbeat(S1);
    directory.heartbeat(S2);
    return directory.expire();
  }

  @Test
  void aRegistrationThatGoesWhileARestatementWaitsIsNotPushedAfterwards() {
    accept(S1, "general", member("alice"));
    accept(S2, "general", member("bob"));
    accept(S1, "general", new Member(member("alice").peerId(), "alicia", "10.0.0.1", 7000));
    directory.unregister(S1, "general");
    clock.advance(Duration.ofMillis(Directory.RESTATE_GAP_MILLIS));
    assertThat(tick()).isEmpty();
  }

  @Test
  void peerIdHeldByAnotherLiveSessionIsRefused() {
    accept(S1, "general", member("alice"));

    RegisterOutcome outcome = directory.register(S2, "general", member("alice"));

    assertThat(outcome).isInstanceOf(Refused.class);
    assertThat(((Refused) outcome).reason()).isEqualTo(Refusal.PEER_ID_IN_USE);
    // the same peer id in another room is a different registration
    accept(S2, "random", member("alice"));
  }

  @Test
  void aSessionIsInARoomUnderOnePeerIdOnly() {
    accept(S1, "general", member("alice"));

    RegisterOutcome outcome = directory.register(S1, "general", member("bob"));

    assertThat(((Refused) outcome).reason()).isEqualTo(Refusal.ALREADY_REGISTERED);
  }

  @Test
  void eachLimitRefusesWithItsReasonAndTheRestStillWork() {
    directory = new Directory(clock, new Limits(2, 2, 2, TTL));
    accept(S1, "a", member("p1"));
    accept(S1, "b", member("p1"));

    Refused session = (Refused) directory.register(S1, "a2", member("p1"));
    Refused rooms = (Refused) directory.register(S2, "c", member("p2"));
    accept(S2, "a", member("p2"));
    Refused full = (Refused) directory.register(S3, "a", member("p3"));

    assertThat(session.reason()).isEqualTo(Refusal.SESSION_LIMIT);
    assertThat(session.message()).contains("at most 2 registrations");
    assertThat(rooms.reason()).isEqualTo(Refusal.ROOM_LIMIT);
    assertThat(full.reason()).isEqualTo(Refusal.ROOM_FULL);
    assertThat(directory.lookup("a")).containsExactly(member("p1"), member("p2"));
    accept(S3, "b", member("p3"));
  }

  @Test
  void unregisterTellsTheRestAndForgetsAnEmptyRoom() {
    accept(S1, "general", member("alice"));
    accept(S2, "general", member("bob"));

    Change left = directory.unregister(S1, "general").orElseThrow();

    assertThat(left.event())
        .isEqualTo(new RoomEvent.Left("general", member("alice"), S1, LeaveReason.LEFT));
    assertThat(left.recipients()).containsExactly(S2);
    assertThat(directory.unregister(S1, "general")).isEmpty();
    directory.unregister(S2, "general");
    assertThat(directory.roomCount()).isZero();
  }

  @Test
  void withoutHeartbeatsARegistrationExpiresAfterTheTtlAndItsOwnerIsToldToo() {
    accept(S1, "general", member("alice"));
    accept(S2, "general", member("bob"));

    clock.advance(TTL.minusMillis(1));
    directory.heartbeat(S2);
    assertThat(directory.expire()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    List<Change> expired = directory.expire();

    assertThat(expired).hasSize(1);
    assertThat(expired.get(0).event())
        .isEqualTo(new RoomEvent.Left("general", member("alice"), S1, LeaveReason.EXPIRED));
    assertThat(expired.get(0).recipients()).containsExactly(S2, S1);
    assertThat(directory.lookup("general")).containsExactly(member("bob"));
    clock.advance(TTL);
    assertThat(directory.expire()).hasSize(1);
    assertThat(directory.roomCount()).isZero();
  }

  @Test
  void heartbeatRefreshesEveryRegistrationOfTheSession() {
    accept(S1, "a", member("alice"));
    clock.advance(Duration.ofSeconds(10));
    accept(S1, "b", member("alice"));
    clock.advance(Duration.ofSeconds(10));
    directory.heartbeat(S1);
    assertThat(directory.expire()).hasSize(0);
    clock.advance(TTL);
    assertThat(directory.expire()).hasSize(2);
  }

  @Test
  void removingASessionRemovesAllItsRegistrationsAtOnce() {
    accept(S1, "a", member("alice"));
    accept(S1, "b", member("alice"));
    accept(S2, "b", member("bob"));

    List<Change> closed = directory.removeSession(S1);

    assertThat(closed).extracting(c -> c.event().room()).containsExactlyInAnyOrder("a", "b");
    assertThat(closed)
        .allSatisfy(
            c -> assertThat(((RoomEvent.Left) c.event()).reason()).isEqualTo(LeaveReason.CLOSED));
    assertThat(directory.lookup("b")).containsExactly(member("bob"));
    assertThat(directory.roomsOf(S1)).isEmpty();
    assertThat(directory.registrationCount()).isEqualTo(1);
  }

  @Test
  void hundredClientsInTenRoomsThenHalfLeave() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    for (int i : order) {
      accept(new SessionId(i), "room-" + (i % 10), member("peer-" + i));
    }
    Collections.shuffle(order, new Random(7));
    for (int i : order) {
      if (i % 2 == 1) {
        directory.removeSession(new SessionId(i));
      }
    }

    Map<String, List<Member>> expected = new TreeMap<>();
    for (int i = 0; i < 100; i += 2) {
      expected.computeIfAbsent("room-" + (i % 10), r -> new ArrayList<>()).add(member("peer-" + i));
    }
    assertThat(directory.roomCount()).isEqualTo(5);
    assertThat(directory.registrationCount()).isEqualTo(50);
    for (int r = 0; r < 10; r++) {
      String room = "room-" + r;
      assertThat(directory.lookup(room))
          .containsExactlyInAnyOrderElementsOf(expected.getOrDefault(room, List.of()));
    }
  }

  @Test
  void aBigRoomIsNamedByABoundedUniformSampleAndJoinsReachABoundedSample() {
    directory = new Directory(clock, new Limits(10, 1_000, 10, TTL), new SplittableRandom(1));
    List<Member> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Member m = member("peer-" + i);
      Accepted a = accept(new SessionId(i), "big", m);
      assertThat(a.others()).hasSize(Math.min(i, Directory.MAX_NAMED)).doesNotHaveDuplicates();
      assertThat(all).containsAll(a.others()); // the others, never itself
      assertThat(a.change().get().recipients())
          .hasSize(Math.min(i, Directory.MAX_NAMED))
          .doesNotHaveDuplicates()
          .doesNotContain(new SessionId(i));
      all.add(m);
    }
    Map<Member, Integer> named = new HashMap<>();
    for (int k = 0; k < 250; k++) {
      List<Member> answer = directory.lookup("big");
      assertThat(answer).hasSize(Directory.MAX_NAMED).doesNotHaveDuplicates();
      answer.forEach(m -> named.merge(m, 1, Integer::sum));
    }
    // 250 answers of 32 of 200: each member is named 40 times on average; uniform means no member
    // is left out and none is named far more often than the rest
    assertThat(named).hasSize(200);
    assertThat(named.values()).allSatisfy(n -> assertThat(n).isBetween(15, 75));
  }
}
