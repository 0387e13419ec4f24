package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * A sync batch is taken whole while the hold-back is full: a message that waits only for messages
 * ahead of it in the same batch is not refused. Before, only a batch's first message passed the
 * hold-back budget (each later one "would wait" for the one before, not yet delivered), and the
 * answer to a dependency fetch, which is asked once, left the held messages waiting until some
 * later digest named what they wait for (here minutes of virtual time): a throughput run at load
 * 22-35 stalled so (session 18), three peers 16,017 messages short of two neighbours that held
 * them, 363 messages held back, nothing moving for a minute.
 */
class FullHoldBackBatchTest {
  private static final RoomConfig CONFIG = RoomConfig.defaults();

  @Test
  void aDependencyFetchAnsweredWhileTheHoldBackIsFullIsTakenWholeAndFreesWhatWaited() {
    Mesh mesh = Mesh.warmedTrio(CONFIG);
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    Peer carol = mesh.peer("carol");
    mesh.block("alice", "bob"); // bob's live path from alice is cut for the rest of the test
    for (int i = 1; i <= 40; i++) {
      alice.send("a" + i);
    }
    mesh.pump(); // carol has them all
    mesh.block("bob", "carol"); // bob's fetches wait until the hold-back is full
    int sent = Room.MAX_HELD_PER_LINK + 6;
    for (int i = 1; i <= sent; i++) {
      carol.send("c" + i); // each waits, at bob, for alice's last or for carol's one before
    }
    mesh.run(1_000); // bob's fetch for what c1 waits on is due, and waits on the wire
    MessageId lastOfAlice = new MessageId(alice.id, 41);
    assertThat(bob.history()).doesNotContain(lastOfAlice);
    assertThat(bob.shown()).doesNotContain("c1");

    mesh.unblock("bob", "carol"); // the fetch for what c1 waits on reaches carol; her answer comes
    mesh.pump();
    assertThat(bob.history()).as("the answer taken whole").contains(lastOfAlice);
    assertThat(bob.shown()).as("what waited is shown").contains("a40", "c1", "c1024");

    mesh.run(12 * CONFIG.syncIntervalMs()); // what the full hold-back refused comes by digests
    assertThat(bob.shown()).contains("c" + sent);
  }

  @Test
  void anotherVersionOfAHeldMessageAheadInABatchLetsNothingPastTheLinksBudget() {
    Mesh mesh = Mesh.warmedTrio(CONFIG);
    Peer bob = mesh.peer("bob");
    PeerId mallory = PeerId.fromHex("abcdef01");
    MessageId never = new MessageId(PeerId.fromHex("0badbeef"), 1);
    int fill = Room.MAX_HELD_PER_LINK;
    List<ChatMessage> chain = new ArrayList<>();
    for (int s = 1; s <= fill; s++) { // waits for good: its first names a message nobody has
      chain.add(chat(mallory, s, 100 + s, "a", s == 1 ? List.of(never) : List.of()));
    }
    mesh.inject("carol", "bob", new SyncBatch(9_001, chain, true, List.of()));
    mesh.pump();
    assertThat(bob.room.heldBackCount()).isEqualTo(fill); // carol's link's budget, spent

    // the same ids in other versions, then new messages that wait only for those
    List<ChatMessage> hostile = new ArrayList<>();
    for (int s = 1; s <= fill; s++) {
      hostile.add(chat(mallory, s, 100 + s, "b", s == 1 ? List.of(never) : List.of()));
    }
    for (int s = fill + 1; s <= fill + 500; s++) {
      hostile.add(chat(mallory, s, 100 + s, "b", List.of()));
    }
    mesh.inject("carol", "bob", new SyncBatch(9_002, hostile, true, List.of()));
    mesh.pump();
    assertThat(bob.room.heldBackCount()).as("no more than the link's budget").isEqualTo(fill);
  }

  /**
   * The stall a throughput run met under a load of 40 (session 19): one peer 1,706 messages short
   * of all four neighbours, which held them and had told it so, for minutes, nothing asked. An
   * answer that came while the hold-back was full for its author was refused whole, so the request
   * "brought nothing new" and its link was not asked again until its next digest; the hold-back
   * drained by another link's answer; and no digest was coming, as nothing changed at the
   * neighbours. What a full hold-back refused is asked again (next period).
   */
  @Test
  void whatAFullHoldBackRefusedIsAskedAgainOnceTheHoldBackDrains() {
    RoomConfig config =
        CONFIG.with(
            d -> {
              d.holdBackTimeoutMs = 3_600_000;
              d.syncRequestTimeoutMs = 3_600_000;
            });
    Mesh mesh = Mesh.warmedTrio(config);
    Peer bob = mesh.peer("bob");
    PeerId mallory = PeerId.fromHex("abcdef01");
    int held = Room.MAX_HELD_PER_ORIGIN;
    List<ChatMessage> all = new ArrayList<>();
    for (int s = 1; s <= held + 6; s++) {
      all.add(chat(mallory, s, 100 + s, "m" + s, List.of()));
    }
    // carol holds the first; alice will hold them all, and carol will never learn the rest
    mesh.inject("alice", "carol", new SyncBatch(9_001, all.subList(0, 1), true, List.of()));
    mesh.pump();
    mesh.block("bob", "carol").block("alice", "carol");
    // bob is given the next 1,024 without the first: held, the author's budget spent; his fetch of
    // the first waits on the wire
    mesh.inject("carol", "bob", new SyncBatch(9_002, all.subList(1, held + 1), true, List.of()));
    mesh.pump();
    assertThat(bob.room.heldBackCount()).isEqualTo(held);
    // alice gets them all and tells bob; he asks her for the last six: refused, each would wait
    mesh.inject("carol", "alice", new SyncBatch(9_003, all, true, List.of()));
    mesh.run(4 * config.syncIntervalMs());
    MessageId last = all.get(held + 5).id();
    assertThat(bob.history()).doesNotContain(last);

    mesh.unblock("bob", "carol"); // the fetch reaches carol: the first comes, the held drain
    mesh.run(config.syncIntervalMs());
    assertThat(bob.room.heldBackCount()).isZero();
    mesh.run(3 * config.syncIntervalMs()); // the next period, with its jitter
    assertThat(bob.history()).as("what the full hold-back refused, asked again").contains(last);
  }

  /**
   * A hostile link's refused messages cost a bounded ask: of a thousand origins refused, at most
   * {@link AntiEntropy#MAX_REFUSED_ORIGINS} are remembered, and they are asked in one fetch a
   * period, each answer refused again and asked again the period after, never at round-trip speed.
   */
  @Test
  void refusalsFromAThousandOriginsCostOneBoundedFetchAPeriod() {
    RoomConfig config = CONFIG.with(d -> d.holdBackTimeoutMs = 3_600_000);
    Mesh mesh = Mesh.warmedTrio(config);
    PeerId mallory = PeerId.fromHex("abcdef01");
    MessageId never = new MessageId(PeerId.fromHex("0badbeef"), 1);
    List<ChatMessage> chain = new ArrayList<>();
    for (int s = 1; s <= Room.MAX_HELD_PER_LINK; s++) { // carol's link's budget, spent for good
      chain.add(chat(mallory, s, 100 + s, "a", s == 1 ? List.of(never) : List.of()));
    }
    mesh.inject("carol", "bob", new SyncBatch(9_001, chain, true, List.of()));
    mesh.pump();
    List<ChatMessage> flood = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      PeerId origin = PeerId.of(new byte[] {9, (byte) (i >> 8), (byte) i});
      flood.add(chat(origin, 1L << 40, 5_000, "f", List.of(never)));
    }
    mesh.inject("carol", "bob", new SyncBatch(9_002, flood, true, List.of()));
    mesh.pump();
    Predicate<Want> flooded = w -> w.origin().toBytes()[0] == 9;
    int periods = 6;
    mesh.run(periods * config.syncIntervalMs());
    List<SyncRequest> asks =
        mesh.sentOf(SyncRequest.class, mesh.from("bob").and(mesh.to("carol"))).stream()
            .filter(r -> r.wants().stream().anyMatch(flooded))
            .toList();
    assertThat(asks).hasSizeBetween(1, periods + 2); // a period's jitter may fit one more in
    for (SyncRequest r : asks) {
      assertThat(r.wants().stream().filter(flooded).count())
          .isLessThanOrEqualTo(AntiEntropy.MAX_REFUSED_ORIGINS);
    }
  }

  private static ChatMessage chat(
      PeerId origin, long seq, long lamport, String text, List<MessageId> deps) {
    return new ChatMessage(new MessageId(origin, seq), lamport, 0, "m", text, deps);
  }
}
