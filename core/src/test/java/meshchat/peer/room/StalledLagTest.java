package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * A lag a neighbour's digest named is asked for again at a later period even when no digest, no
 * batch and no timeout would ask. Before, only five events asked a link for what its digests named
 * (a digest, the tree's wait, another link's timeout, a link going down, a useful last batch), and
 * a full mesh's neighbours stop sending digests once they have told us everything: a dependency
 * fetch too big for one answer marked the whole range asked, its answer brought the first {@code
 * syncMaxMessages} only, and the rest was never asked. A throughput run at load 22 stalled so
 * (session 23): one peer 1,456 messages short of all four neighbours for minutes, sync requests
 * frozen at 107; another 5,187 short for 7 minutes.
 */
class StalledLagTest {
  // small answers, and requests that never time out within a test: only the periodic ask re-asks
  private static final RoomConfig CONFIG =
      RoomConfig.defaults()
          .with(d -> d.syncMaxMessages = 16)
          .with(d -> d.syncRequestTimeoutMs = 120_000);

  @Test
  void whatADependencyFetchTooBigForOneAnswerLeftOutIsAskedAgain() {
    Mesh mesh = Mesh.warmedTrio(CONFIG);
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    Peer carol = mesh.peer("carol");
    mesh.block("alice", "bob"); // for good
    for (int i = 1; i <= 40; i++) {
      alice.send("a" + i);
    }
    mesh.pump(); // carol holds all of alice's
    mesh.block("bob", "carol");
    carol.send("c1"); // depends on alice's last
    mesh.run(Room.DEP_FETCH_DELAY_MS + 50); // bob holds c1 and asks carol for alice's 40: over 16
    mesh.run(8 * CONFIG.syncIntervalMs()); // carol's digests arrive while all that is asked
    mesh.unblock("bob", "carol"); // the answer brings 16; the fetch ends
    mesh.run(20 * CONFIG.syncIntervalMs());
    assertThat(bob.history()).contains(new MessageId(alice.id, 41));
    assertThat(bob.room.lagByPeer().get(carol.id)).isZero();
  }

  /**
   * A neighbour whose digests name messages it never sends costs at most one pipeline of requests
   * per period from the periodic ask, and fewer while those asks bring nothing: after 2, 4, 8, then
   * every 16 periods.
   */
  @Test
  void aNeighbourThatNeverAnswersIsAskedLessAndLessOften() {
    Mesh mesh = Mesh.warmedTrio(CONFIG);
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    Peer carol = mesh.peer("carol");
    for (int i = 1; i <= 40; i++) {
      alice.send("a" + i);
    }
    mesh.pump(); // everyone holds alice's 41
    SeqSet claimed = new SeqSet();
    claimed.addRange(1, 5_000);
    // carol's digest claims 5,000 of alice's: she answers with the 41 she has, never the rest
    mesh.inject("carol", "bob", new Digest(List.of(new DigestEntry(alice.id, claimed)), false));
    mesh.pump();
    assertThat(bob.room.lagByPeer().get(carol.id)).isPositive();
    int before = mesh.sentOf(SyncRequest.class, mesh.from("bob").and(mesh.to("carol"))).size();
    int periods = 320;
    mesh.run(periods * CONFIG.syncIntervalMs());
    int asked =
        mesh.sentOf(SyncRequest.class, mesh.from("bob").and(mesh.to("carol"))).size() - before;
    assertThat(asked).as("asked at all: the lag is not given up").isPositive();
    // rounds at periods 1, 2, 4, 8, 16 after the first, then every 16 (the periods' jitter may add
    // one), each asking one chunk at most here (16 requests; 28 when every period may ask)
    assertThat(asked).isLessThanOrEqualTo(5 + periods / 16 + 1);
  }
}
