package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev28: a stranger makes 256 throwaway keys, signs two versions of one line with each (nothing
 * ever sent to the room) and hands the 256 valid proofs to one member. Proofs against authors the
 * room holds nothing of have a budget of their own (32), so the room's own authors' budget stays
 * whole: a real member who equivocates afterwards is still proven and frozen by every peer. The
 * throwaway keys' proofs are not passed on to a link that holds none of their authors' lines.
 */
class ThrowawayProofsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void throwawayKeysCannotUseUpTheRoomsEquivocationProofs() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(28)) {
      PeerNode[] two = Proofs.twoLinkedPeers(mesh, WAIT);
      PeerNode n0 = two[0];
      PeerNode n1 = two[1];

      Identity mallory = Identity.generate();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < 256; i++) {
          r.send(Proofs.againstAStranger(1, "x", "y"));
        }
        await()
            .atMost(WAIT)
            .until(
                () ->
                    n0.counters().get(Counters.Counter.PROOF_BUDGET) == 256 - 32
                        && n0.equivocators().join().size() == 32);
      }

      // now a member of the room signs two versions of a line, one for each peer
      PeerId e = Proofs.memberSignsTwoHistories(mesh, n0, n1, WAIT);
      assertThat(n0.equivocators().join()).hasSize(33);
      // the throwaway keys' proofs went no further: n1 holds none of their lines (rev29: they
      // went to every link; n0 would have sent them on this link before eve's)
      assertThat(n1.equivocators().join()).isEqualTo(Map.of(e, 1L));
    }
  }
}
