package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
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
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      await().atMost(WAIT).until(() -> n0.linkCount() == 1 && n1.linkCount() == 1);

      Identity mallory = Identity.generate();
      int sent = 7;
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < sent; i++) {
          r.send(proof(7, 60_000)); // a frame of about 840 KB
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

      // a member of the room signs two versions of a line, one for each peer
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
            .alias("the member who signed two histories is proven by both peers")
            .until(
                () ->
                    n0.equivocators().join().containsKey(e)
                        && n1.equivocators().join().containsKey(e));
        assertThat(n0.equivocators().join()).hasSize(3).containsEntry(e, 1L);
        // the strangers' proofs went no further: n1 holds none of their authors' lines (n0 would
        // have sent them on this link before eve's)
        assertThat(n1.equivocators().join()).isEqualTo(Map.of(e, 1L));
      }
    }
  }

  /** A valid proof against a fresh key: {@code lines} lines a side of {@code chars} ASCII chars. */
  private static LinkMessage proof(int lines, int chars) {
    Identity k = Identity.generate();
    ChainAuthor a = new ChainAuthor(k, "lobby");
    ChainAuthor b = new ChainAuthor(k, "lobby");
    List<ChatMessage> as = new ArrayList<>();
    List<ChatMessage> bs = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      as.add(a.next("a".repeat(chars)));
      bs.add(b.next("b".repeat(chars)));
    }
    return new LinkMessage.Equivocated(new Equivocation(a.head(), as, b.head(), bs));
  }
}
