package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * The path of a peer's own messages (docs/storage.md): durable before shown, shown before sent; and
 * the self-fork guard after a start on a data dir that knows fewer own messages than the room.
 */
class RoomOwnMessagesTest {
  private static final RoomConfig CONFIG =
      RoomConfig.defaults().with(d -> d.syncIntervalMs = 1_000);

  @Test
  void aBurstIsNeitherShownNorSentBeforeTheCommitThatCoversItThenShownBeforeSent() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    alice.trace.clear();
    int asked = alice.commitsAsked;
    for (String t : List.of("a1", "a2", "a3")) {
      assertThat(alice.room.send(t)).isNotNull(); // stamped and staged
    }
    assertThat(alice.commitsAsked).isEqualTo(asked + 1); // one commit for the burst
    assertThat(alice.store.count()).isEqualTo(3); // staged in the store's open unit of work
    assertThat(alice.trace).isEmpty(); // nothing shown, nothing on the wire
    assertThat(alice.room.holdings()).doesNotContainKey(alice.id); // no digest advertises them

    alice.commitNow();
    assertThat(alice.trace)
        .containsExactly(
            "shown a1",
            "sent a1 to bob",
            "shown a2",
            "sent a2 to bob",
            "shown a3",
            "sent a3 to bob");
    mesh.pump();
    assertThat(mesh.peer("bob").shown()).containsExactly("a1", "a2", "a3");
  }

  @Test
  void aCommitWhoseFsyncRunsElsewhereIsShownAndSentOnlyOnceThatFsyncIsReportedDone() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    alice.trace.clear();
    alice.room.send("a1");
    long first = alice.room.committed(); // committed; its fsync runs on a store thread
    alice.room.send("a2"); // typed meanwhile: the next commit's
    long second = alice.room.committed();
    assertThat(alice.trace).isEmpty();
    alice.room.durable(first, true);
    assertThat(alice.trace).containsExactly("shown a1", "sent a1 to bob");
    alice.room.durable(second, true);
    assertThat(alice.trace)
        .containsExactly("shown a1", "sent a1 to bob", "shown a2", "sent a2 to bob");
    assertThat(alice.room.committed()).as("nothing staged: no commit number").isZero();
    mesh.pump();
    assertThat(mesh.peer("bob").shown()).containsExactly("a1", "a2");
  }

  @Test
  void aLineTypedWhileAnEarlierOneWaitsForItsFsyncDoesNotNameItsDepsAgain() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    ChatMessage b1 = bob.send("b1");
    mesh.pump();
    ChatMessage a1 = alice.room.send("a1");
    assertThat(a1.deps()).contains(b1.id());
    long first = alice.room.committed(); // its fsync runs
    ChatMessage a2 = alice.room.send("a2"); // follows a1, which names b1 already
    assertThat(a2.deps()).as("implied by a1, its predecessor").doesNotContain(b1.id());
    long second = alice.room.committed();
    alice.room.durable(first, true);
    alice.room.durable(second, true);
    mesh.pump();
    ChatMessage b2 = bob.send("b2");
    mesh.pump();
    ChatMessage a3 = alice.send("a3"); // nothing waits for an fsync: the frontier as it is
    assertThat(a3.deps()).contains(b2.id());
    mesh.pump();
    assertThat(bob.shown()).containsExactly("b1", "a1", "a2", "b2", "a3");
  }

  @Test
  void aLineTypedAfterAFailedFsyncNamesWhatTheDroppedLinesNamed() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    ChatMessage b1 = mesh.peer("bob").send("b1");
    mesh.pump();
    ChatMessage a1 = alice.room.send("unsure");
    assertThat(a1.deps()).contains(b1.id());
    long commit = alice.room.committed();
    assertThat(alice.room.syncFailed(commit)).isEqualTo(1);
    assertThat(alice.room.send("after").deps()).contains(b1.id());
  }

  @Test
  void aFailedFsyncLeavesItsCommitsMessagesUnshownAndUnsent() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    alice.trace.clear();
    alice.room.send("unsure 1");
    alice.room.send("unsure 2");
    long commit = alice.room.committed();
    assertThat(alice.room.syncFailed(commit)).isEqualTo(2);
    alice.room.durable(commit, true);
    assertThat(alice.trace).isEmpty();
  }

  @Test
  void aFailedCommitDropsTheBurstUnshownUnsentAndFreesItsSeqs() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    alice.trace.clear();
    alice.room.send("lost 1");
    alice.room.send("lost 2");
    // the runtime's report that the commit rolled back (the in-memory store cannot roll back: the
    // room's part is what this checks)
    assertThat(alice.room.commitFailed()).isEqualTo(2);
    assertThat(alice.trace).isEmpty();
    assertThat(alice.send("kept").seq()).isEqualTo(1); // nobody saw seq 1 or 2
    mesh.pump();
    assertThat(mesh.peer("bob").shown()).containsExactly("kept");
  }

  @Test
  void withNoLinkTypingStillEndsABurstThatCommits() {
    Mesh mesh = new Mesh(CONFIG, "alice");
    Peer alice = mesh.peer("alice");
    alice.room.send("alone");
    assertThat(alice.commitsAsked).isEqualTo(1);
    assertThat(alice.shown()).isEmpty();
    alice.commitNow();
    assertThat(alice.shown()).containsExactly("alone");
    assertThat(alice.room.holdings().get(alice.id).contiguous()).isEqualTo(1);
  }

  /** Alice sent a1, a2, a3 to bob, then restarts unlinked on a backup taken after a1. */
  private static Mesh aliceOnARestoredOldCopy() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    ChatMessage a1 = alice.send("a1");
    alice.send("a2");
    alice.send("a3");
    mesh.pump();
    InMemoryMessageStore oldCopy = new InMemoryMessageStore(); // a backup taken after a1
    oldCopy.appendOwn(a1, a1.lamport());
    mesh.unlink("alice", "bob");
    alice.restartOn(oldCopy);
    assertThat(alice.room.ownSeq()).isEqualTo(1);
    return mesh;
  }

  /** Alice took a2 and a3 back, her line went after them, and nobody saw a fork. */
  private static void assertTookBackAndContinued(Mesh mesh) {
    Peer alice = mesh.peer("alice");
    ChatMessage next = alice.deliveryOf(new MessageId(alice.id, 4)).message();
    assertThat(next.text()).isEqualTo("after the restore");
    assertThat(alice.notices(RoomNotice.OwnRecovered.class))
        .containsExactly(new RoomNotice.OwnRecovered(2, 3));
    assertThat(alice.history()).hasSize(4);
    Peer bob = mesh.peer("bob");
    assertThat(bob.shown()).containsExactly("a1", "a2", "a3", "after the restore");
    assertThat(bob.notices(RoomNotice.Fork.class)).isEmpty();
    assertThat(alice.notices(RoomNotice.Fork.class)).isEmpty();
  }

  @Test
  void aStartOnARestoredOldCopyTakesItsNewerMessagesBackFromTheRoomAndContinuesAfterThem() {
    Mesh mesh = aliceOnARestoredOldCopy();
    assertThat(mesh.peer("alice").send("after the restore")).isNull(); // waits for the room's word
    mesh.link("alice", "bob").pump();
    assertTookBackAndContinued(mesh);
  }

  /**
   * A settled link's digest naming more of alice's own messages than alice holds is no news on a
   * broadcast tree (alice is the root of her own): alice asks for them at once, by SyncRequest, so
   * they take the path that recovers or disputes them, never a graft's "as if pushed".
   */
  @Test
  void aDigestNamingMoreOfOurOwnMessagesThanWeHoldIsAskedForAtOnceNeverGrafted() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    mesh.pump();
    SeqSet claimed = new SeqSet();
    claimed.addRange(1, 3);
    mesh.inject(
        "bob", "alice", new Digest(List.of(new DigestEntry(alice.id, claimed, 0, null)), false));
    mesh.pump();
    assertThat(mesh.sentOf(Graft.class, mesh.from("alice"))).isEmpty();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("alice").and(mesh.to("bob"))))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.wants())
                    .singleElement()
                    .satisfies(w -> assertThat(w.origin()).isEqualTo(alice.id)));
  }

  @Test
  void aRestartOnAnUpToDateStoreAuthorsRightAfterTheFirstDigest() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh();
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    mesh.pump().unlink("alice", "bob");
    alice.restart();
    assertThat(alice.send("a2")).isNull();
    mesh.link("alice", "bob").pump(); // no virtual time passes: the digest alone decides
    assertThat(alice.deliveryOf(new MessageId(alice.id, 2)).message().text()).isEqualTo("a2");
    assertThat(alice.notices(RoomNotice.OwnRecovered.class)).isEmpty();
  }

  @Test
  void offlineAfterAStartTheFirstMessageWaitsOnlyTheGraceThenKeepsTypingOrder() {
    Mesh mesh = new Mesh(CONFIG, "alice");
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    alice.restart();
    assertThat(alice.send("a2")).isNull();
    assertThat(alice.send("a3")).isNull(); // queued behind a2, never ahead of it
    mesh.run(Outbox.OFFLINE_GRACE_MS - 1);
    assertThat(alice.shown()).containsExactly("a1");
    mesh.run(1);
    assertThat(alice.shown()).containsExactly("a1", "a2", "a3");
    assertThat(alice.deliveryOf(new MessageId(alice.id, 3)).message().text()).isEqualTo("a3");
    assertThat(alice.send("a4")).isNotNull(); // checked: at once from now on
  }

  @Test
  void aRestoredCopyStillReachingANeighbourWhenTheGraceEndsWaitsForItAndNeitherForksNorReuses() {
    // a loaded machine: the dial to the neighbour outlasts the grace (RestoredDataDirProcessTest)
    Mesh mesh = aliceOnARestoredOldCopy();
    Peer alice = mesh.peer("alice");
    boolean[] dialing = {true};
    alice.room.reaching(() -> dialing[0]);
    assertThat(alice.send("after the restore")).isNull();
    mesh.run(Outbox.OFFLINE_GRACE_MS + 10 * Outbox.RECHECK_MS); // still dialing: not offline
    assertThat(alice.room.ownSeq()).isEqualTo(1);
    dialing[0] = false;
    mesh.link("alice", "bob").pump(); // the dial lands: the neighbour's digest decides
    assertTookBackAndContinued(mesh);
  }

  @Test
  void aDialThatFailsAfterTheGraceMakesThePeerOfflineWithinARecheck() {
    Mesh mesh = new Mesh(CONFIG, "alice");
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    alice.restart();
    boolean[] dialing = {true};
    alice.room.reaching(() -> dialing[0]);
    assertThat(alice.send("a2")).isNull();
    mesh.run(Outbox.OFFLINE_GRACE_MS + 4 * Outbox.RECHECK_MS);
    assertThat(alice.shown()).containsExactly("a1");
    dialing[0] = false; // the dial failed: nobody is being reached
    mesh.run(Outbox.RECHECK_MS);
    assertThat(alice.shown()).containsExactly("a1", "a2");
  }

  @Test
  void aPeerThatIsReachingForeverAuthorsAtTheLatestAfterTheLongestWait() {
    Mesh mesh = new Mesh(CONFIG, "alice");
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    alice.restart();
    alice.room.reaching(() -> true); // a dial that never settles
    assertThat(alice.send("a2")).isNull();
    mesh.run(Outbox.MAX_WAIT_MS - 1);
    assertThat(alice.shown()).containsExactly("a1");
    mesh.run(1);
    assertThat(alice.shown()).containsExactly("a1", "a2");
  }

  @Test
  void whenDiscoveryFindsNobodyToAskTheFirstMessageGoesAtOnce() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob");
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    alice.restart();
    assertThat(alice.send("a2")).isNull();
    alice.room.nobodyToAsk(); // no cached peer, and the tracker knows nobody else
    alice.commitNow();
    assertThat(alice.shown()).containsExactly("a1", "a2");

    Peer bob = mesh.peer("bob"); // linked, a claim from the tracker's side changes nothing
    bob.send("b1");
    bob.restart();
    mesh.link("alice", "bob");
    assertThat(bob.send("b2")).isNull();
    bob.room.nobodyToAsk();
    bob.commitNow();
    assertThat(bob.shown()).containsExactly("b1"); // waits for alice's digest instead
    mesh.pump();
    assertThat(bob.shown()).containsExactlyInAnyOrder("b1", "b2", "a1", "a2");
  }

  @Test
  void aNeighbourClaimingOwnSeqsItNeverDeliversHoldsTheFirstMessageAtMostTheMaximumWait() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob");
    Peer alice = mesh.peer("alice");
    alice.send("a1");
    alice.restart();
    SeqSet lie = new SeqSet();
    lie.addRange(1, Long.MAX_VALUE / 2);
    // on the wire ahead of bob's own digest, which holds nothing of alice's
    mesh.inject(
        "bob",
        "alice",
        new LinkMessage.Digest(List.of(new LinkMessage.DigestEntry(alice.id, lie)), true));
    mesh.link("alice", "bob").pump();
    assertThat(alice.send("a2")).isNull();
    mesh.run(Outbox.MAX_WAIT_MS - 1);
    assertThat(alice.shown()).containsExactly("a1");
    mesh.run(1);
    assertThat(alice.shown()).containsExactly("a1", "a2");
    assertThat(alice.room.ownSeq()).isEqualTo(2); // a claim alone never moves the seq
  }
}
