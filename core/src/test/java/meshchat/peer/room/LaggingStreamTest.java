package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * A live stream we lag behind is not asked for while it flows. On a busy box a peer's live path can
 * run seconds behind a neighbour's digest; asking that neighbour for everything the digest names
 * brings each message twice, and the batches slow the live path further: a storm (a throughput run
 * at load 13-19 wrote 13.9 GB in 600 s and never finished, session 17). Once the stream stops, what
 * is still missing is asked for as before.
 */
class LaggingStreamTest {
  private static final RoomConfig CONFIG = RoomConfig.defaults();

  private static long asksOf(Mesh mesh, String from, String to) {
    return mesh.sentOf(SyncRequest.class, mesh.from(from).and(mesh.to(to))).size();
  }

  @Test
  void aStreamStillArrivingIsNotAskedForAndOneThatStoppedIs() {
    Mesh mesh = Mesh.warmedTrio(CONFIG); // bob is on alice's broadcast tree, with alice his parent
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    mesh.block("alice", "bob"); // bob's live path from alice lags
    for (int i = 1; i <= 40; i++) {
      alice.send("a" + i);
    }
    mesh.pump(); // carol has them all
    long before = asksOf(mesh, "bob", "carol");
    SeqSet carolHolds = new SeqSet();
    carolHolds.addRange(1, 41);
    mesh.inject(
        "carol", "bob", new Digest(List.of(new DigestEntry(alice.id, carolHolds, 0, null)), false));

    List<PeerId> aliceToBob = List.of(alice.id, bob.id);
    for (int round = 0; round < 20; round++) { // 2 s, several tree waits: one message per 100 ms
      mesh.run(100);
      mesh.deliverOn(aliceToBob);
      mesh.pump();
    }
    assertThat(bob.shown()).hasSize(21); // warm, a1..a20: the stream is flowing
    assertThat(asksOf(mesh, "bob", "carol")).as("nothing asked while it flows").isEqualTo(before);

    mesh.run(3 * AntiEntropy.TREE_WAIT_MS); // it stopped: ask for the rest
    assertThat(asksOf(mesh, "bob", "carol")).isGreaterThan(before);
    assertThat(bob.history()).contains(new MessageId(alice.id, 41));
  }
}
