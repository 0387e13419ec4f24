package meshchat.peer.runtime;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import org.junit.jupiter.api.Test;

/**
 * (rev31) Proofs against strangers have a budget of their own (32) so that throwaway keys cannot
 * use up the 256 proofs kept for the room's authors (rev28, ThrowawayProofsTest). But a throwaway
 * key becomes a room author by writing one line: mallory has 256 fresh keys each write "hello"
 * (relayed on her link with their heads), then hands over a valid proof that each signed two
 * versions of its second line. Each proof is a room author's, so the room's budget (256) fills. A
 * member who then signs two histories, one for each peer, is never proven: its later lines are
 * shown unmarked, forwarded, and the two peers keep different histories of it for good.
 */
class RoomAuthorProofBudgetTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int KEYS = 256;

  @Test
  void throwawayKeysThatWroteALineCannotUseUpTheRoomsEquivocationProofs() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode[] two = Proofs.twoLinkedPeers(mesh, WAIT);
      PeerNode n0 = two[0];
      PeerNode n1 = two[1];

      Identity mallory = Identity.generate();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        List<Identity> keys = Proofs.throwawayAuthors(r, KEYS, mesh, 0, WAIT);
        for (Identity k : keys) {
          // "hello" alike on both sides (the line the room holds), then two versions of line 2
          r.send(Proofs.against(k, 1, 1, "yes", "no"));
        }
        await()
            .atMost(WAIT)
            .alias("n0 holds the proof against each throwaway key")
            .until(() -> n0.equivocators().join().size() == KEYS);
      }

      // now a member of the room signs two versions of a line, one for each peer; proven by both
      // within Proofs' wait, or the test fails there
      boolean proven = false;
      try {
        Proofs.memberSignsTwoHistories(mesh, n0, n1, WAIT);
        proven = true;
      } finally {
        System.out.printf(
            "after %d throwaway keys' lines and proofs: eve proven by both %s;"
                + " proof_budget n0 %d, n1 %d%n",
            KEYS,
            proven,
            n0.counters().get(Counters.Counter.PROOF_BUDGET),
            n1.counters().get(Counters.Counter.PROOF_BUDGET));
      }
    }
  }
}
