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
 * Proofs against strangers (authors the room holds nothing of) have a count (32) and bytes (2 MiB,
 * counted by their size in a frame) of their own, beside the room's authors' 256 proofs and 16 MiB.
 * rev29: the bytes were shared and counted three per character, so seven stranger proofs, six of
 * them frames of about 840 KB (seven lines of 60,000 ASCII characters a side), filled them; from
 * then on a real member who signed two histories was noticed but its proof dropped ({@code
 * proof_budget}): never frozen, its two versions standing side by side.
 */
class StrangersProofBytesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void strangersProofsCannotUseUpTheBytesTheRoomsAuthorsProofsNeed() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode[] two = Proofs.twoLinkedPeers(mesh, WAIT);
      PeerNode n0 = two[0];
      PeerNode n1 = two[1];

      Identity mallory = Identity.generate();
      int sent = 7;
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < sent; i++) {
          r.send(Proofs.againstAStranger(7, "a".repeat(60_000), "b".repeat(60_000))); // ~840 KB
        }
        await()
            .atMost(WAIT)
            .alias("every stranger's proof was kept or dropped")
            .until(
                () ->
                    n0.equivocators().join().size()
                            + n0.counters().get(Counters.Counter.PROOF_BUDGET)
                        == sent);
      }
      // two such frames fit the strangers' 2 MiB, the rest are dropped
      assertThat(n0.equivocators().join()).hasSize(2);
      assertThat(n0.counters().get(Counters.Counter.PROOF_BUDGET)).isEqualTo(sent - 2);

      PeerId e = Proofs.memberSignsTwoHistories(mesh, n0, n1, WAIT);
      assertThat(n0.equivocators().join()).hasSize(3).containsEntry(e, 1L);
      // the strangers' proofs went no further: n1 holds none of their authors' lines (n0 would
      // have sent them on this link before eve's)
      assertThat(n1.equivocators().join()).isEqualTo(Map.of(e, 1L));
    }
  }
}
