package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.StoreException;
import meshchat.peer.sync.SeqSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Session 29: a write the store rolls back (a full disk) takes its unit's rows, and the room takes
 * back what it made of them: they are held no more (holdings, the delivered prefix, the hold-back,
 * the digests), what was delivered after them and follows them waits again, the link that sent them
 * is asked for them again, and once the store takes rows again they come back in the same session,
 * each shown once, in order. Our own disk is no peer's fault: no link is closed.
 */
class RoomRollbackTest {
  private Mesh mesh;
  private Mesh.Peer a;
  private Mesh.Peer b;
  private RollingBackStore store;

  private void setUp(long seed) {
    mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m");
    a = mesh.peer("a");
    b = mesh.peer("b");
    store = new RollingBackStore();
    b.roomOn(store, seed);
    mesh.fullMesh();
    mesh.run(1_000);
    endBurst();
  }

  /** What the runtime does at a burst's end: commit, then report it (or its failure). */
  private void endBurst() {
    try {
      store.commit();
      b.room.durable();
    } catch (StoreException e) {
      b.room.commitFailed();
    }
  }

  private static Map<PeerId, SeqSet> nonEmpty(Map<PeerId, SeqSet> held) {
    Map<PeerId, SeqSet> out = new HashMap<>();
    held.forEach(
        (p, s) -> {
          if (!s.isEmpty()) {
            out.put(p, s);
          }
        });
    return out;
  }

  private List<MessageId> shownOf(Mesh.Peer author) {
    return b.shownIds().stream().filter(id -> id.origin().equals(author.id)).toList();
  }

  @Test
  void aRolledBackWriteIsHeldNoMoreAndComesBackInTheSameSessionOnceInOrder() {
    setUp(1);
    List<MessageId> sent = new ArrayList<>();
    sent.add(a.send("one").id());
    sent.add(a.send("two").id());
    mesh.pump();
    endBurst();
    Map<PeerId, SeqSet> before = nonEmpty(b.room.holdings());

    store.failWrite(1); // "three" is written into the unit, "four" finds the disk full
    sent.add(a.send("three").id());
    sent.add(a.send("four").id());
    mesh.pump();

    assertThat(nonEmpty(b.room.holdings())).as("held as before the burst").isEqualTo(before);
    assertThat(b.undelivered).containsExactly(sent.get(2));
    assertThat(shownOf(a)).isEqualTo(sent.subList(0, 2));
    assertThat(b.closes).as("our disk is no peer's fault").isEmpty();
    assertThat(b.room.counters().get(Counter.INTERNAL_ERROR)).isZero();
    assertThat(b.room.counters().get(Counter.STORE_FAILED)).isEqualTo(1);
    assertThat(b.room.counters().get(Counter.RECEIVED_NOT_STORED)).isEqualTo(1);

    mesh.run(30_000); // the periodic round asks a again; the store takes rows again
    endBurst();
    assertThat(shownOf(a)).as("each once, in order").isEqualTo(sent);
    assertThat(b.room.holdings().get(a.id).contains(4)).isTrue();
    assertThat(store.committed.get(sent.get(3))).isPresent();
  }

  @Test
  void whatWasReleasedAfterARolledBackMessageWaitsAgainAndIsShownAfterIt() {
    setUp(2);
    PeerId m = mesh.peer("m").id;
    ChatMessage m1 = Mesh.chat(m, 1, 10);
    ChatMessage m2 = Mesh.chat(m, 2, 11);
    ChatMessage m3 = Mesh.chat(m, 3, 12);
    mesh.inject("m", "b", new Chat(m2)); // ahead of what it follows: held back
    mesh.pump();
    endBurst();
    assertThat(b.room.heldBackCount()).isEqualTo(1);

    store.failWrite(1); // m1 is written (and releases m2), m3 finds the disk full
    mesh.inject("m", "b", new Chat(m1));
    mesh.inject("m", "b", new Chat(m3));
    mesh.pump();
    assertThat(b.undelivered).containsExactly(m1.id(), m2.id());
    assertThat(b.shownIds()).doesNotContain(m1.id(), m2.id(), m3.id());
    assertThat(b.room.heldBackCount()).as("m2 waits for m1 again").isEqualTo(1);
    assertThat(b.room.holdings().get(m))
        .isEqualTo(SeqSet.of(0, List.of(new meshchat.peer.sync.SeqRange(2, 2))));
    endBurst();

    mesh.inject("m", "b", new Chat(m1)); // fetched again
    mesh.inject("m", "b", new Chat(m3));
    mesh.pump();
    endBurst();
    assertThat(b.shownIds().stream().filter(id -> id.origin().equals(m)).toList())
        .containsExactly(m1.id(), m2.id(), m3.id());
  }

  @Test
  void ownLinesStagedInARolledBackUnitAreNeitherShownNorSentAndTheirSeqsAreFree() {
    setUp(3);
    ChatMessage first = b.room.send("mine");
    store.failWrite(0); // the next write, a received one, finds the disk full
    a.send("theirs");
    mesh.pump();
    b.trace.clear();
    b.room.durable(); // a later commit succeeds: nothing of the rolled-back unit is shown
    assertThat(b.trace).isEmpty();
    assertThat(b.room.ownSeq()).isEqualTo(first.seq() - 1);
    assertThat(b.room.storeRolledBack()).as("one own line dropped, told once").isEqualTo(1);
    assertThat(b.room.storeRolledBack()).isZero();
  }

  /** A fresh mesh whose a has sent {@code n} lines, delivered to b and committed: their ids. */
  private List<MessageId> committedFirst(int seed, int n) {
    setUp(seed);
    List<MessageId> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(a.send("c" + i).id());
    }
    mesh.pump();
    endBurst();
    return sent;
  }

  /**
   * Whatever the burst, and wherever one write of it fails: the room holds exactly what the store
   * holds (what the rollback took is held no more, what was stored after it is), and once the disk
   * has room every message comes back, shown once, in the order sent.
   */
  @Property(tries = 40)
  void afterAFailedWriteTheRoomHoldsWhatTheStoreHoldsAndEverythingComesBackOnce(
      @ForAll @IntRange(min = 1, max = 6) int committedFirst,
      @ForAll @IntRange(min = 1, max = 8) int burst,
      @ForAll @IntRange(min = 0, max = 7) int failAt,
      @ForAll @IntRange(min = 1, max = 1_000) int seed) {
    List<MessageId> sent = committedFirst(seed, committedFirst);
    store.failWrite(Math.min(failAt, burst - 1));
    for (int i = 0; i < burst; i++) {
      sent.add(a.send("b" + i).id());
    }
    mesh.pump();
    assertThat(nonEmpty(b.room.holdings())).isEqualTo(store.held(b.id));
    assertThat(b.closes).isEmpty();

    mesh.run(40_000);
    endBurst();
    assertThat(shownOf(a)).isEqualTo(sent);
    assertThat(b.room.heldBackCount()).isZero();
  }

  /**
   * The disk fills at some write of a burst and stays full: the room holds exactly what it held
   * before the burst (its last commit), whatever it had delivered; once there is room again,
   * everything comes back, shown once, in order.
   */
  @Property(tries = 40)
  void whileTheDiskStaysFullHoldingsAreThoseBeforeTheBurst(
      @ForAll @IntRange(min = 1, max = 6) int committedFirst,
      @ForAll @IntRange(min = 1, max = 8) int burst,
      @ForAll @IntRange(min = 0, max = 7) int fullFrom,
      @ForAll @IntRange(min = 1, max = 1_000) int seed) {
    List<MessageId> sent = committedFirst(seed, committedFirst);
    Map<PeerId, SeqSet> before = nonEmpty(b.room.holdings());
    int fillAt = Math.min(fullFrom, burst - 1);
    for (int i = 0; i < burst; i++) {
      if (i == fillAt) {
        mesh.pump();
        store.full(true);
      }
      sent.add(a.send("b" + i).id());
    }
    mesh.pump();
    endBurst(); // its commit fails too
    assertThat(nonEmpty(b.room.holdings())).isEqualTo(before);
    assertThat(shownOf(a)).isEqualTo(sent.subList(0, committedFirst));
    mesh.run(10_000); // asked again while still full: nothing sticks, nothing is shown
    endBurst();
    assertThat(nonEmpty(b.room.holdings())).isEqualTo(before);
    assertThat(b.closes).isEmpty();

    store.full(false);
    mesh.run(60_000);
    endBurst();
    assertThat(shownOf(a)).isEqualTo(sent);
    assertThat(b.room.heldBackCount()).isZero();
  }
}
