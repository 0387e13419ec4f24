package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.MessageId;
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
}
