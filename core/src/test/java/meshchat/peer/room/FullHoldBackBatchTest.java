package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
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

  private static ChatMessage chat(
      PeerId origin, long seq, long lamport, String text, List<MessageId> deps) {
    return new ChatMessage(new MessageId(origin, seq), lamport, 0, "m", text, deps);
  }
}
