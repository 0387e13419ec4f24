package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
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
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      await().atMost(WAIT).until(() -> n0.linkCount() == 1 && n1.linkCount() == 1);

      Identity mallory = Identity.generate();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < 256; i++) {
          Identity k = Identity.generate();
          ChainAuthor a = new ChainAuthor(k, "lobby");
          ChainAuthor b = new ChainAuthor(k, "lobby");
          ChatMessage yes = a.next("x");
          ChatMessage no = b.next("y");
          r.send(
              new LinkMessage.Equivocated(
                  new Equivocation(a.head(), List.of(yes), b.head(), List.of(no))));
        }
        await()
            .atMost(WAIT)
            .until(
                () ->
                    n0.counters().get(Counters.Counter.PROOF_BUDGET) == 256 - 32
                        && n0.equivocators().join().size() == 32);
      }

      // now a member of the room signs two versions of a line, one for each peer
      Identity eve = Identity.generate();
      ChainAuthor toN0 = new ChainAuthor(eve, "lobby");
      ChainAuthor toN1 = new ChainAuthor(eve, "lobby");
      ChatMessage yes = toN0.next("the vote passed");
      ChatMessage no = toN1.next("the vote failed");
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
        PeerId e = eve.peerId();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    n0.equivocators().join().containsKey(e)
                        && n1.equivocators().join().containsKey(e));
        assertThat(n0.equivocators().join()).hasSize(33);
        // the throwaway keys' proofs went no further: n1 holds none of their lines (rev29: they
        // went to every link; n0 would have sent them on this link before eve's)
        assertThat(n1.equivocators().join()).isEqualTo(Map.of(e, 1L));
      }
    }
  }
}
