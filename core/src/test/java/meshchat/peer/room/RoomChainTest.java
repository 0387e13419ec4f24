package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.Head;
import meshchat.peer.message.LinkMessage.Prune;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * The room's side of the hash chain: own messages are linked and a burst ends with one head; every
 * path that carries a message (eager push, relay, graft answer) also carries a head that reaches
 * it, in an order a receiver can check (the frame layer holds a live message until a head of its
 * author arrives on the same link and walks down from it).
 */
class RoomChainTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(d -> d.syncIntervalMs = 60_000);

  private static List<LinkMessage> frames(Mesh mesh, String from, String to) {
    return mesh.sent.stream()
        .filter(e -> mesh.from(from).test(e) && mesh.to(to).test(e))
        .map(Mesh.Envelope::message)
        .filter(m -> m instanceof Chat || m instanceof Head || m instanceof SyncBatch)
        .toList();
  }

  /** What a receiver's chain check does: every message is reached from a head, walking down. */
  private static void assertAuthenticated(List<ChatMessage> messages, List<ChainHead> heads) {
    Map<MessageId, ChatMessage> byId = new HashMap<>();
    messages.forEach(m -> byId.putIfAbsent(m.id(), m));
    Set<MessageId> reached = new HashSet<>();
    for (ChainHead h : heads) {
      byte[] expected = h.hash();
      ChatMessage at;
      for (long seq = h.seq();
          seq >= 1
              && (at = byId.get(new MessageId(h.origin(), seq))) != null
              && Arrays.equals(TestChainSigner.chainHash(at), expected);
          seq--) {
        reached.add(at.id());
        expected = at.prev();
      }
    }
    for (ChatMessage m : messages) {
      assertThat(reached).as("%s is reached from a head", m.id()).contains(m.id());
    }
  }

  @Test
  void aBurstIsLinkedAndEndsWithOneHeadAfterItsMessages() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    a.room.send("one");
    a.room.send("two");
    a.room.send("three");
    a.commitNow();
    mesh.pump();

    List<LinkMessage> out = frames(mesh, "a", "b");
    assertThat(out).hasSize(4);
    assertThat(out.subList(0, 3)).allMatch(m -> m instanceof Chat);
    ChainHead head = ((Head) out.get(3)).head();
    assertThat(head.seq()).isEqualTo(3);
    List<ChatMessage> sent = out.subList(0, 3).stream().map(m -> ((Chat) m).message()).toList();
    assertThat(sent.get(0).prev()).isEqualTo(new byte[ChatMessage.HASH_BYTES]);
    assertThat(sent.get(1).prev()).isEqualTo(TestChainSigner.chainHash(sent.get(0)));
    assertAuthenticated(sent, List.of(head));
    assertThat(mesh.peer("b").shown()).containsExactly("one", "two", "three");
  }

  @Test
  void aLongBurstIsSignedAtLeastEveryHeadInterval() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    int n = Room.HEAD_EVERY_MESSAGES + 44;
    for (int i = 0; i < n; i++) {
      a.room.send("m" + i);
    }
    a.commitNow();
    assertThat(mesh.sentOf(Head.class, mesh.from("a")))
        .extracting(Head::head)
        .extracting(ChainHead::seq)
        .containsExactly((long) Room.HEAD_EVERY_MESSAGES, (long) n);
  }

  @Test
  void aRelayForwardsTheHeadAfterTheMessagesItForwarded() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b", "c").link("a", "b").link("b", "c").pump();
    mesh.run(1_000); // PeerLists settle: b knows c has no link to a
    mesh.peer("a").send("via b");
    mesh.pump();

    List<LinkMessage> relayed = frames(mesh, "b", "c");
    assertThat(relayed).hasSize(2);
    ChatMessage m = ((Chat) relayed.get(0)).message();
    assertAuthenticated(List.of(m), List.of(((Head) relayed.get(1)).head()));
    assertThat(mesh.peer("c").shown()).containsExactly("via b");
  }

  @Test
  void aGraftIsAnsweredOnceWithTheWholeBurstAndItsHead() {
    // a line c-a-b: a relays c's burst to b, on a link b has pruned
    Mesh mesh = new Mesh(CONFIG, true, "a", "b", "c").link("c", "a").link("a", "b").pump();
    mesh.run(1_000); // PeerLists settle
    mesh.inject("b", "a", new Prune()); // a now relays only ids to b
    mesh.pump();
    Mesh.Peer c = mesh.peer("c");
    for (String t : List.of("x", "y", "z")) {
      c.room.send(t);
    }
    c.commitNow();
    mesh.pump();
    assertThat(mesh.sentOf(Head.class, mesh.from("a"))).as("no whole message went").isEmpty();

    mesh.run(Broadcast.IHAVE_DELAY_MS + Broadcast.GRAFT_TIMEOUT_MS + 1);
    assertThat(mesh.sentOf(Graft.class, mesh.from("b")))
        .as("one graft for the burst")
        .singleElement()
        .satisfies(g -> assertThat(g.ids()).hasSize(3));
    SyncBatch answer = mesh.sentOf(SyncBatch.class, mesh.from("a")).get(0);
    assertThat(answer.requestId()).isEqualTo(Room.GRAFT_REPLY);
    assertAuthenticated(answer.messages(), answer.heads());
    assertThat(mesh.peer("b").shown()).containsExactly("x", "y", "z");
    assertThat(mesh.peer("b").deliveries).noneMatch(Delivery::catchUp);
  }

  @Test
  void aGraftForAnEarlyMessageOfABurstGetsTheRestOfItUpToTheHead() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b", "c").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    a.room.send("1");
    a.room.send("2");
    a.room.send("3");
    a.commitNow();
    mesh.pump();
    MessageId second = new MessageId(a.id, 2);
    mesh.inject("b", "a", new Graft(List.of(second)));
    mesh.pump();

    SyncBatch answer = mesh.sentOf(SyncBatch.class, mesh.from("a")).get(0);
    assertThat(answer.messages()).extracting(ChatMessage::seq).containsExactly(2L, 3L);
    assertThat(answer.heads()).extracting(ChainHead::seq).containsExactly(3L);
    assertAuthenticated(answer.messages(), answer.heads());
  }

  @Test
  void aGraftAnswerThatRepeatsWhatWeHoldPrunesNothing() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    a.send("held");
    mesh.pump();
    mesh.inject("b", "a", new Graft(List.of(new MessageId(a.id, 1))));
    mesh.pump();
    assertThat(mesh.sentOf(Prune.class)).isEmpty();
    assertThat(mesh.peer("b").shown()).containsExactly("held");
  }

  @Test
  void aFailedCommitLeavesTheChainWhereTheLastDurableMessageEnds() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    ChatMessage kept = a.send("kept");
    a.room.send("lost");
    assertThat(a.room.commitFailed()).isEqualTo(1);
    ChatMessage next = a.send("next");
    mesh.pump();
    assertThat(next.seq()).isEqualTo(2);
    assertThat(next.prev()).isEqualTo(TestChainSigner.chainHash(kept));
    List<ChainHead> heads =
        mesh.sentOf(Head.class, mesh.from("a")).stream().map(Head::head).toList();
    assertAuthenticated(List.of(kept, next), heads);
    assertThat(mesh.peer("b").shown()).containsExactly("kept", "next");
  }

  @Test
  void aRestartWhoseLastHeadWasLostSignsOneAgainAndTheChainGoesOn() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    a.send("one");
    ChatMessage two = a.send("two");
    // the data dir as a crash right after the commit leaves it: messages, but not the head after
    InMemoryMessageStore lost = new InMemoryMessageStore();
    for (ChatMessage m : a.store.range(a.id, new SeqRange(1, 2), 10)) {
      lost.appendOwn(m, m.lamport());
    }
    assertThat(lost.headAtOrAfter(a.id, 2)).isEmpty();

    a.restartOn(lost);
    assertThat(lost.headAtOrAfter(a.id, 2))
        .map(ChainHead::hash)
        .contains(TestChainSigner.chainHash(two));
    mesh.link("a", "b").run(20_000); // the self-fork check ends; b's digest shows it holds a's two
    ChatMessage three = a.send("three");
    assertThat(three.seq()).isEqualTo(3);
    assertThat(three.prev()).isEqualTo(TestChainSigner.chainHash(two));
  }

  @Test
  void aRestartOverALongUnsignedTailSignsItAsBurstsWouldSoHistoryBatchesStayBounded() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    int total = 3 * Room.HEAD_EVERY_MESSAGES + 17;
    for (int i = 1; i <= total; i++) {
      a.send("line " + i);
    }
    // killed while a piped backlog was committed faster than it was published: every message is
    // stored, but the last head is at 10 (and at 0 for a peer that never published)
    InMemoryMessageStore lost = new InMemoryMessageStore();
    for (ChatMessage m : a.store.range(a.id, new SeqRange(1, total), total)) {
      lost.appendOwn(m, m.lamport());
    }
    lost.putHead(a.store.headAtOrAfter(a.id, 10).orElseThrow());
    assertThat(lost.headAtOrAfter(a.id, 11)).isEmpty();

    a.restartOn(lost);
    for (long seq = 11; seq <= total; seq++) {
      ChainHead head = lost.headAtOrAfter(a.id, seq).orElseThrow();
      assertThat(head.seq() - seq).as("head above #%d", seq).isLessThan(Room.HEAD_EVERY_MESSAGES);
      ChatMessage at = lost.get(new MessageId(a.id, head.seq())).orElseThrow();
      assertThat(head.hash()).isEqualTo(TestChainSigner.chainHash(at));
    }
    assertThat(lost.headAtOrAfter(a.id, total)).map(ChainHead::seq).contains((long) total);
  }

  @Test
  void aHistoryBatchLeavesOutARunWhoseHeadIsTooFarAboveForOneFrame() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    int total = ChainedChunk.MAX_EXTENSION + 10;
    InMemoryMessageStore sparse = new InMemoryMessageStore();
    for (int i = 1; i <= total; i++) {
      ChatMessage m = a.send("line " + i);
      sparse.appendOwn(m, m.lamport());
    }
    // an author that signed only its last message (hostile, or an old data dir)
    ChatMessage top = sparse.get(new MessageId(a.id, total)).orElseThrow();
    sparse.putHead(new TestChainSigner().signHead(a.id, total, TestChainSigner.chainHash(top)));
    List<ChatMessage> low = sparse.range(a.id, new SeqRange(1, 5), 5);
    SyncBatch far = ChainedChunk.batch(sparse, 7, low, true);
    assertThat(far.messages()).as("too far to reach its head").isEmpty();
    assertThat(far.heads()).isEmpty();

    List<ChatMessage> near = sparse.range(a.id, new SeqRange(total - 20, total - 10), 11);
    SyncBatch ok = ChainedChunk.batch(sparse, 8, near, true);
    assertThat(ok.messages()).hasSize(21); // the run, extended up to its head
    assertThat(ok.heads()).hasSize(1);
    assertAuthenticated(ok.messages(), ok.heads());
  }

  @Test
  void aHistoryBatchOfSeveralFarExtendedRunsStaysWithinOneFrame() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    String text = "x".repeat(560); // about 800 bytes a message in a frame (frameBytesBound)
    InMemoryMessageStore sparse = new InMemoryMessageStore();
    for (int i = 1; i <= 1_800; i++) {
      ChatMessage m = a.send(text);
      sparse.appendOwn(m, m.lamport());
    }
    // heads a busy receiver kept: far apart, each run below reaches one ~500 messages up
    for (long seq : new long[] {500, 1_100, 1_700}) {
      ChatMessage at = sparse.get(new MessageId(a.id, seq)).orElseThrow();
      sparse.putHead(new TestChainSigner().signHead(a.id, seq, TestChainSigner.chainHash(at)));
    }
    List<ChatMessage> chunk = new ArrayList<>();
    for (long from : new long[] {1, 600, 1_200}) {
      chunk.addAll(sparse.range(a.id, new SeqRange(from, from + 1), 2));
    }
    SyncBatch batch = ChainedChunk.batch(sparse, 9, chunk, true);
    long bytes =
        batch.messages().stream().mapToLong(ChatMessage::frameBytesBound).sum()
            + batch.heads().size() * ChainedChunk.HEAD_BYTES_BOUND;
    assertThat(bytes).as("one frame's worth").isLessThanOrEqualTo(ChainedChunk.MAX_BATCH_BYTES);
    assertThat(batch.messages().get(0).seq()).as("the first run always goes").isEqualTo(1);
    assertThat(batch.heads()).isNotEmpty().hasSizeLessThan(3);
    assertAuthenticated(batch.messages(), batch.heads());
  }

  @Test
  void aHistoryBatchOfShortLinesHoldsNoMoreMessagesThanAFrameMay() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    InMemoryMessageStore sparse = new InMemoryMessageStore();
    for (int i = 1; i <= 5_000; i++) {
      ChatMessage m = a.send("k"); // about 110 approximate bytes a message: far below a frame
      sparse.appendOwn(m, m.lamport());
    }
    // heads a busy receiver kept, far apart: each run below reaches one ~2,500 messages up
    for (long seq : new long[] {2_500, 5_000}) {
      ChatMessage at = sparse.get(new MessageId(a.id, seq)).orElseThrow();
      sparse.putHead(new TestChainSigner().signHead(a.id, seq, TestChainSigner.chainHash(at)));
    }
    List<ChatMessage> chunk = new ArrayList<>();
    for (long from : new long[] {1, 2_600}) {
      chunk.addAll(sparse.range(a.id, new SeqRange(from, from + 1), 2));
    }
    SyncBatch batch = ChainedChunk.batch(sparse, 10, chunk, true);
    // the receiver's codec refuses a batch of more (Close INVALID_MESSAGE), on every retry
    assertThat(batch.messages()).hasSizeLessThanOrEqualTo(WireBounds.MAX_BATCH_MESSAGES);
    assertThat(batch.messages().get(0).seq()).as("the first run always goes").isEqualTo(1);
    assertAuthenticated(batch.messages(), batch.heads());

    // one run whose head is as far above as a receiver may hold live messages without one
    InMemoryMessageStore longRun = new InMemoryMessageStore();
    for (ChatMessage m : sparse.range(a.id, new SeqRange(1, 4_200), 4_200)) {
      longRun.appendOwn(m, m.lamport());
    }
    ChatMessage top = longRun.get(new MessageId(a.id, 4_105)).orElseThrow();
    longRun.putHead(new TestChainSigner().signHead(a.id, 4_105, TestChainSigner.chainHash(top)));
    SyncBatch far =
        ChainedChunk.batch(longRun, 11, longRun.range(a.id, new SeqRange(1, 10), 10), true);
    assertThat(far.messages()).hasSizeLessThanOrEqualTo(WireBounds.MAX_BATCH_MESSAGES);
    assertAuthenticated(far.messages(), far.heads());
  }

  @Test
  void aPeerWhoseStoreWasWipedTakesItsMessagesBackAndLinksItsNextOneToThem() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    a.send("one");
    ChatMessage two = a.send("two");
    mesh.pump();

    a.restartOn(new InMemoryMessageStore());
    mesh.link("a", "b");
    ChatMessage held = a.room.send("after the wipe"); // waits for the self-fork check
    assertThat(held).isNull();
    mesh.run(20_000);
    ChatMessage three = a.store.get(new MessageId(a.id, 3)).orElseThrow();
    assertThat(three.text()).isEqualTo("after the wipe");
    assertThat(three.prev()).isEqualTo(TestChainSigner.chainHash(two));
    assertThat(mesh.peer("b").shown()).containsExactly("one", "two", "after the wipe");
  }
}
