package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/** Anti-entropy: catch-up, offline authoring, cheap digests, restarts. */
class RoomSyncTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(cfg -> cfg.syncIntervalMs = 1_000);

  private static List<MessageId> batchedTo(Mesh mesh, String name) {
    List<MessageId> ids = new ArrayList<>();
    for (SyncBatch b : mesh.sentOf(SyncBatch.class, mesh.to(name))) {
      b.messages().forEach(m -> ids.add(m.id()));
    }
    return ids;
  }

  @Test
  void aPeerThatWasAwayCatchesUpReceivingEachMissingMessageOnce() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob", "carol").link("alice", "bob").pump();
    for (int i = 0; i < 10; i++) {
      mesh.peer("alice").send("a" + i);
      mesh.peer("bob").send("b" + i);
    }
    mesh.pump();

    mesh.link("carol", "alice").link("carol", "bob").pump();

    Peer carol = mesh.peer("carol");
    assertThat(carol.shownIds()).hasSize(20).doesNotHaveDuplicates();
    assertThat(carol.history()).isEqualTo(mesh.peer("alice").history());
    assertThat(batchedTo(mesh, "carol")).hasSize(20).doesNotHaveDuplicates();
    assertThat(carol.deliveries).allMatch(Delivery::catchUp).noneMatch(Delivery::incomplete);
    assertThat(carol.notices(RoomNotice.CaughtUp.class))
        .containsExactly(new RoomNotice.CaughtUp(20));
    assertThat(mesh.sentOf(Chat.class, mesh.to("carol"))).isEmpty(); // history is not forwarded
    // one batch holds it all; it is shown in canonical order, so nothing in it is late
    assertThat(carol.shownIds()).isEqualTo(carol.history());
    assertThat(carol.deliveries).noneMatch(Delivery::late);
  }

  @Test
  void aBigCatchUpComesInBoundedRequestsFourInFlight() {
    RoomConfig small = CONFIG.with(cfg -> cfg.syncMaxMessages = 7);
    Mesh mesh = new Mesh(small, "alice", "bob");
    for (int i = 0; i < 30; i++) {
      mesh.peer("alice").send("m" + i);
    }
    mesh.link("alice", "bob").pump();

    assertThat(mesh.peer("bob").shownIds()).hasSize(30);
    List<SyncRequest> asked = mesh.sentOf(SyncRequest.class, mesh.from("bob"));
    assertThat(asked).hasSize(5); // 7 + 7 + 7 + 7 + 2
    for (SyncRequest r : asked) {
      assertThat(r.maxMessages()).isEqualTo(7);
      assertThat(r.wants().stream().mapToLong(w -> w.range().size()).sum()).isLessThanOrEqualTo(7);
    }
    assertThat(batchedTo(mesh, "bob")).hasSize(30).doesNotHaveDuplicates();
    // the next chunks are asked while the one before is still on its way, never more than four
    assertThat(mostRequestsInFlight(mesh, "bob")).isEqualTo(4);
  }

  @Test
  void aPipelineOfOneAsksForTheNextChunkOnlyWhenTheLastArrived() {
    RoomConfig one = CONFIG.with(cfg -> cfg.syncMaxMessages = 7).with(cfg -> cfg.syncPipeline = 1);
    Mesh mesh = new Mesh(one, "alice", "bob");
    for (int i = 0; i < 30; i++) {
      mesh.peer("alice").send("m" + i);
    }
    mesh.link("alice", "bob").pump();

    assertThat(mesh.peer("bob").shownIds()).hasSize(30);
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("bob"))).hasSize(5);
    assertThat(batchedTo(mesh, "bob")).hasSize(30).doesNotHaveDuplicates();
    assertThat(mostRequestsInFlight(mesh, "bob")).isEqualTo(1);
  }

  @Test
  void aLinksFirstRequestIsASlowStartAndTheRestTakeTheWholeBudget() {
    RoomConfig slow =
        CONFIG.with(cfg -> cfg.syncMaxMessages = 7).with(cfg -> cfg.syncFirstMessages = 2);
    Mesh mesh = new Mesh(slow, "alice", "bob");
    for (int i = 0; i < 30; i++) {
      mesh.peer("alice").send("m" + i);
    }
    mesh.link("alice", "bob").pump();

    assertThat(mesh.peer("bob").shownIds()).hasSize(30);
    List<SyncRequest> asked = mesh.sentOf(SyncRequest.class, mesh.from("bob"));
    assertThat(asked)
        .extracting(r -> r.wants().stream().mapToLong(w -> w.range().size()).sum())
        .containsExactly(2L, 7L, 7L, 7L, 7L); // 2 + 7 + 7 + 7 + 7 = 30
    assertThat(batchedTo(mesh, "bob")).hasSize(30).doesNotHaveDuplicates();
    assertThat(mostRequestsInFlight(mesh, "bob")).isEqualTo(4);
  }

  @Test
  void aNegativeFirstRequestIsRefusedWhenConfigured() {
    assertThatThrownBy(() -> CONFIG.with(cfg -> cfg.syncFirstMessages = -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("syncFirstMessages must be >= 0");
  }

  @Test
  void aPipelineOfNoRequestsIsRefusedWhenConfigured() {
    assertThatThrownBy(() -> CONFIG.with(cfg -> cfg.syncPipeline = 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("syncPipeline must be >= 1");
  }

  /** The most SyncRequests {@code name} had sent and not yet had a final batch for, at once. */
  private static int mostRequestsInFlight(Mesh mesh, String name) {
    int open = 0;
    int most = 0;
    for (Mesh.Envelope e : mesh.sent) {
      if (e.message() instanceof SyncRequest && mesh.from(name).test(e)) {
        most = Math.max(most, ++open);
      } else if (e.message() instanceof SyncBatch b && b.done() && mesh.to(name).test(e)) {
        open--;
      }
    }
    return most;
  }

  @Test
  void aCatchUpOfAManyAuthorConversationAsksForEachMessageOnce() {
    // each message answers the one before, by another author: a request for one author's run
    // alone would hold all of it back waiting on the others
    Mesh mesh = new Mesh(CONFIG.with(cfg -> cfg.syncMaxMessages = 8), "a", "b", "c", "d", "joiner");
    mesh.link("a", "b").link("a", "c").link("a", "d").link("b", "c").link("b", "d");
    mesh.link("c", "d").pump();
    String[] authors = {"a", "b", "c", "d"};
    for (int i = 0; i < 60; i++) {
      mesh.peer(authors[i % 4]).send("m" + i);
      mesh.pump();
    }
    mesh.link("joiner", "a").pump();

    Peer joiner = mesh.peer("joiner");
    assertThat(joiner.history()).isEqualTo(mesh.peer("a").history());
    assertThat(batchedTo(mesh, "joiner")).hasSize(60).doesNotHaveDuplicates();
    assertThat(joiner.deliveries).noneMatch(Delivery::incomplete).noneMatch(Delivery::late);
  }

  @Test
  void anUpToDatePairSettlesWithTwoDigestsAndNothingElse() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").link("alice", "bob").pump();
    mesh.peer("alice").send("hi");
    mesh.peer("bob").send("hello");
    mesh.pump();
    mesh.unlink("alice", "bob");
    int before = mesh.sent.size();

    mesh.link("alice", "bob").pump();

    List<Class<?>> traffic =
        mesh.sent.subList(before, mesh.sent.size()).stream()
            .<Class<?>>map(e -> e.message().getClass())
            .filter(c -> c != LinkMessage.PeerList.class) // peer exchange, not sync
            .toList();
    assertThat(traffic).containsExactly(Digest.class, Digest.class);
  }

  @Test
  void aLinkThatResetsGetsACompleteDigestOfEverythingHeldNow() {
    // a complete digest reuses the last one's order of origins (AntiEntropy.completeEntries):
    // origins that grew, and new origins that reorder the holdings, must show as held now
    List<String> names = new ArrayList<>(List.of("hub", "bob"));
    for (int i = 0; i < 30; i++) {
      names.add("p" + i);
    }
    Mesh mesh = new Mesh(CONFIG, names.toArray(new String[0])).link("hub", "bob").pump();
    int linked = 0;
    Set<PeerId> wrote = new HashSet<>(Set.of(mesh.peer("hub").id));
    for (int round = 1; round <= 4; round++) {
      for (; linked < 8 * round - 2; linked++) {
        mesh.link("hub", "p" + linked);
      }
      for (int i = 0; i < linked; i += round) {
        mesh.peer("p" + i).send("round " + round);
        wrote.add(mesh.peer("p" + i).id);
      }
      mesh.peer("hub").send("hub " + round);
      mesh.pump();
      mesh.unlink("hub", "bob").link("hub", "bob").pump();

      List<Digest> complete =
          mesh.sentOf(Digest.class, mesh.from("hub").and(mesh.to("bob"))).stream()
              .filter(Digest::complete)
              .toList();
      Map<PeerId, Long> told = new HashMap<>();
      for (DigestEntry e : complete.get(complete.size() - 1).entries()) {
        assertThat(told.put(e.origin(), e.held().count())).isNull(); // each origin once
      }
      Map<PeerId, Long> held = new HashMap<>();
      mesh.peer("hub").room.holdings().forEach((o, s) -> held.put(o, s.count()));
      assertThat(told).isEqualTo(held);
      assertThat(told.keySet()).isEqualTo(wrote);
    }
  }

  @Test
  void messagesWrittenAloneReachTheFirstPeerThatAppears() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob");
    ChatMessage m1 = mesh.peer("alice").send("anyone?");
    ChatMessage m2 = mesh.peer("alice").send("hello?");
    assertThat(mesh.sent).isEmpty();

    mesh.link("alice", "bob").pump();

    assertThat(mesh.peer("bob").shownIds()).containsExactly(m1.id(), m2.id());
  }

  @Test
  void periodicDigestsCarryOnlyWhatChangedAndNothingWhenIdle() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").link("alice", "bob").pump();
    mesh.peer("alice").send("one");
    mesh.pump();
    int before = mesh.sentOf(Digest.class).size();

    // one period (interval ± 25% jitter): bob receipts alice's message with only the origin that
    // changed; alice tells bob nothing, since bob got "one" from her (AntiEntropy.periodic)
    mesh.run(1_300);
    List<Digest> delta =
        mesh.sentOf(Digest.class).subList(before, mesh.sentOf(Digest.class).size());
    assertThat(mesh.sentOf(Digest.class, mesh.from("alice"))).hasSize(1); // the complete one
    assertThat(mesh.sentOf(Digest.class, mesh.from("bob"))).hasSize(2); // complete, then delta
    assertThat(delta).hasSize(1);
    for (Digest d : delta) {
      assertThat(d.complete()).isFalse();
      assertThat(d.entries())
          .extracting(DigestEntry::origin)
          .containsExactly(mesh.peer("alice").id);
    }

    // nothing changed since: several idle periods send no digest at all
    int afterDelta = mesh.sentOf(Digest.class).size();
    mesh.run(10_000);
    assertThat(mesh.sentOf(Digest.class)).hasSize(afterDelta);
    assertThat(mesh.sentOf(SyncRequest.class)).isEmpty();
  }

  @Test
  void aMessageThatSortsBeforeOneAlreadyShownIsLateAndSaysWhereItBelongs() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob");
    ChatMessage a1 = mesh.peer("alice").send("a1"); // (1, alice)
    ChatMessage a2 = mesh.peer("alice").send("a2"); // (2, alice)
    ChatMessage b1 = mesh.peer("bob").send("b1"); // (1, bob)
    ChatMessage b2 = mesh.peer("bob").send("b2"); // (2, bob)
    ChatMessage b3 = mesh.peer("bob").send("b3"); // (3, bob)

    mesh.link("alice", "bob").pump();

    // canonical: a1 b1 a2 b2 b3 ("alice" < "bob" breaks the ties)
    List<MessageId> canonical = List.of(a1.id(), b1.id(), a2.id(), b2.id(), b3.id());
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    assertThat(alice.history()).isEqualTo(canonical);
    assertThat(bob.history()).isEqualTo(canonical);

    // alice had shown a2 (2, alice): b1 sorts before it, b2 and b3 after
    assertThat(alice.deliveryOf(b1.id()).late()).isTrue();
    assertThat(alice.deliveryOf(b1.id()).after()).isEqualTo(a1.id());
    assertThat(alice.deliveryOf(b2.id()).late()).isFalse();
    assertThat(alice.deliveryOf(b2.id()).after()).isNull();
    assertThat(alice.deliveryOf(b3.id()).late()).isFalse();
    // bob had shown b3 (3, bob): both of alice's are late
    assertThat(bob.deliveryOf(a1.id()).late()).isTrue();
    assertThat(bob.deliveryOf(a1.id()).after()).isNull(); // it belongs first
    assertThat(bob.deliveryOf(a2.id()).late()).isTrue();
    assertThat(bob.deliveryOf(a2.id()).after()).isEqualTo(b1.id());
  }

  @Test
  void aRestartResumesClockAndSequenceFromTheStore() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").link("alice", "bob").pump();
    mesh.peer("bob").send("b1");
    mesh.pump();
    mesh.peer("alice").send("a1");
    ChatMessage a2 = mesh.peer("alice").send("a2");
    mesh.pump();

    Peer alice = mesh.peer("alice");
    alice.restart();
    assertThat(alice.room.ownSeq()).isEqualTo(2);
    assertThat(alice.room.lamport()).isGreaterThanOrEqualTo(a2.lamport());

    // right after a restart the first message waits for the self-fork check; with nobody to
    // ask, for the offline grace only
    assertThat(alice.send("a3")).isNull();
    mesh.run(Outbox.OFFLINE_GRACE_MS);
    ChatMessage a3 = alice.deliveryOf(new MessageId(alice.id, 3)).message();
    assertThat(a3.seq()).isEqualTo(3);
    assertThat(a3.lamport()).isGreaterThan(a2.lamport());
    assertThat(a3.deps()).contains(a2.id());

    mesh.link("alice", "bob").pump();
    assertThat(mesh.peer("bob").shown()).containsExactly("b1", "a1", "a2", "a3");
    assertThat(mesh.peer("bob").notices(RoomNotice.Fork.class)).isEmpty();
  }

  @Test
  void afterARestartAnOldMessageArrivingIsStillLate() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob");
    ChatMessage b1 = mesh.peer("bob").send("b1"); // (1, bob), written while apart
    mesh.peer("alice").send("a1");
    mesh.peer("alice").send("a2"); // (2, alice) was on alice's screen before the restart

    Peer alice = mesh.peer("alice");
    alice.restart();
    mesh.link("alice", "bob").pump();

    Delivery d = alice.deliveries.get(alice.deliveries.size() - 1);
    assertThat(d.message()).isEqualTo(b1);
    assertThat(d.late()).isTrue();
    assertThat(d.after()).isEqualTo(new MessageId(alice.id, 1));
  }

  @Test
  void aBatchForSomeOtherRequestNeitherEndsNorRepeatsTheOneInFlight() {
    Mesh mesh = new Mesh(CONFIG.with(cfg -> cfg.syncMaxMessages = 7), "alice", "bob");
    for (int i = 0; i < 30; i++) {
      mesh.peer("alice").send("m" + i);
    }
    mesh.link("alice", "bob");
    // a stale "done" batch (an old request, or a dependency fetch) lands before the real answers
    mesh.inject("alice", "bob", new SyncBatch(999_999, List.of(), true));
    mesh.pump();

    assertThat(mesh.peer("bob").shownIds()).hasSize(30).doesNotHaveDuplicates();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("bob"))).hasSize(5);
    assertThat(batchedTo(mesh, "bob")).hasSize(30).doesNotHaveDuplicates();
  }

  @Test
  void aSyncRequestNobodyAnswersIsGivenUpAndAskedOfAnotherLink() {
    RoomConfig config = CONFIG.with(cfg -> cfg.syncRequestTimeoutMs = 10_000);
    Mesh mesh = new Mesh(config, "alice", "bob", "carol", "mallory").link("alice", "bob").pump();
    for (int i = 0; i < 5; i++) {
      mesh.peer("alice").send("a" + i);
    }
    mesh.pump();
    Peer carol = mesh.peer("carol");
    Peer mallory = mesh.peer("mallory");

    // mallory claims alice's messages and then never answers: the mesh carries nothing to her
    carol.room.linkUp(mallory.address(), 0);
    carol.room.receive(
        mallory.id,
        new Digest(
            List.of(
                new DigestEntry(
                    mesh.peer("alice").id,
                    mesh.peer("bob").room.holdings().get(mesh.peer("alice").id))),
            true));
    assertThat(mesh.sentOf(SyncRequest.class, mesh.to("mallory"))).hasSize(1);

    mesh.link("carol", "bob").pump();
    mesh.run(9_000);
    assertThat(carol.shownIds()).as("the range is in flight at mallory").isEmpty();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.to("bob").and(mesh.from("carol")))).isEmpty();

    mesh.run(1_000);
    assertThat(carol.shownIds()).hasSize(5);
    assertThat(mesh.sentOf(SyncRequest.class, mesh.to("bob").and(mesh.from("carol")))).hasSize(1);
    assertThat(mesh.sentOf(SyncRequest.class, mesh.to("mallory"))).as("not asked again").hasSize(1);
  }
}
