package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
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
      List<Identity> keys = new ArrayList<>();
      List<ChatMessage> lines = new ArrayList<>();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < KEYS; i++) {
          Identity k = Identity.generate();
          ChainAuthor a = new ChainAuthor(k, "lobby");
          ChatMessage hello = a.next("hello");
          keys.add(k);
          lines.add(hello);
          r.send(new LinkMessage.Chat(hello));
          r.send(new LinkMessage.Head(a.head()));
        }
        await()
            .atMost(WAIT)
            .alias("n0 holds a line of each throwaway key")
            .until(() -> lines.stream().allMatch(m -> mesh.seen(0).ids().contains(m.id())));
        for (Identity k : keys) {
          // "hello" alike on both sides (the line the room holds), then two versions of line 2
          r.send(Proofs.against(k, 1, 1, "yes", "no"));
        }
        await()
            .atMost(WAIT)
            .alias("n0 holds the proof against each throwaway key")
            .until(() -> n0.equivocators().join().size() == KEYS);
      }

      // now a member of the room signs two versions of a line, one for each peer
      Identity eve = Identity.generate();
      ChainAuthor toN0 = new ChainAuthor(eve, "lobby");
      ChainAuthor toN1 = new ChainAuthor(eve, "lobby");
      ChatMessage yes = toN0.next("the vote passed");
      ChatMessage no = toN1.next("the vote failed");
      PeerId e = eve.peerId();
      try (RawPeer r0 = new RawPeer(eve, n0.port(), null);
          RawPeer r1 = new RawPeer(eve, n1.port(), null)) {
        r0.send(new LinkMessage.Chat(yes));
        r0.send(new LinkMessage.Head(toN0.head()));
        r1.send(new LinkMessage.Chat(no));
        r1.send(new LinkMessage.Head(toN1.head()));
        await()
            .atMost(WAIT)
            .until(
                () ->
                    mesh.seen(0).ids().contains(yes.id()) && mesh.seen(1).ids().contains(no.id()));
      }
      boolean proven;
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    n0.equivocators().join().containsKey(e)
                        && n1.equivocators().join().containsKey(e));
        proven = true;
      } catch (org.awaitility.core.ConditionTimeoutException t) {
        proven = false;
      }
      System.out.printf(
          "after %d throwaway keys' lines and proofs: eve proven by n0 %s, by n1 %s;"
              + " proof_budget n0 %d, n1 %d%n",
          KEYS,
          n0.equivocators().join().containsKey(e),
          n1.equivocators().join().containsKey(e),
          n0.counters().get(Counters.Counter.PROOF_BUDGET),
          n1.counters().get(Counters.Counter.PROOF_BUDGET));
      assertThat(proven)
          .as(
              "a member who signed two histories is proven by both peers after %d throwaway keys"
                  + " each wrote one line and were proven",
              KEYS)
          .isTrue();
    }
  }
}
