package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * (rev31) A peer that catches an equivocation builds the proof from both versions, from the seq
 * where they part up to a head, at most 512 messages a side ({@code Equivocations.proof}) but with
 * no bound on bytes, and sends it to every link (and, for a room author, to every new link). A
 * receiver refuses any frame over 1 MiB at its length prefix ({@code FRAME_TOO_LARGE}) and closes
 * the link. Eve signs two histories of 9 lines of 64,000 bytes, one for each of two linked peers:
 * each proof is about 1.15 MB, inside the proofs' 16 MiB budget, over the frame limit.
 */
class OversizeProofTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int LINES = 9;

  @Test
  void twoPeersThatCatchAnEquivocationOfLongLinesStayLinked() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode[] two = Proofs.twoLinkedPeers(mesh, WAIT);
      PeerNode n0 = two[0];
      PeerNode n1 = two[1];
      String fat = "x".repeat(64_000);
      Identity eve = Identity.generate();
      ChainAuthor toN0 = new ChainAuthor(eve, "lobby");
      ChainAuthor toN1 = new ChainAuthor(eve, "lobby");
      ChatMessage lastYes = null;
      ChatMessage lastNo = null;
      try (RawPeer r0 = new RawPeer(eve, n0.port(), null);
          RawPeer r1 = new RawPeer(eve, n1.port(), null)) {
        for (int i = 0; i < LINES; i++) {
          lastYes = toN0.next(fat + " yes " + i);
          lastNo = toN1.next(fat + " no " + i);
          r0.send(new LinkMessage.Chat(lastYes));
          r1.send(new LinkMessage.Chat(lastNo));
        }
        r0.send(new LinkMessage.Head(toN0.head()));
        r1.send(new LinkMessage.Head(toN1.head()));
        ChatMessage y = lastYes;
        ChatMessage n = lastNo;
        await()
            .atMost(WAIT)
            .until(
                () -> mesh.seen(0).ids().contains(y.id()) && mesh.seen(1).ids().contains(n.id()));
      }
      PeerId e = eve.peerId();
      await()
          .atMost(WAIT)
          .alias("one of the two peers proves eve")
          .until(
              () ->
                  n0.equivocators().join().containsKey(e)
                      || n1.equivocators().join().containsKey(e));
      // the two honest peers go on talking over their link
      ChatMessage hi = n0.send("still linked?").get();
      boolean heard;
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> mesh.seen(1).ids().contains(hi.id()));
        heard =
            n0.counters().get(Counter.FRAME_TOO_LARGE) == 0
                && n1.counters().get(Counter.FRAME_TOO_LARGE) == 0;
      } catch (org.awaitility.core.ConditionTimeoutException t) {
        heard = false;
      }
      System.out.printf(
          "eve proven by n0 %s, n1 %s; frame_too_large n0 %d, n1 %d; links n0 %d, n1 %d%n",
          n0.equivocators().join().containsKey(e),
          n1.equivocators().join().containsKey(e),
          n0.counters().get(Counter.FRAME_TOO_LARGE),
          n1.counters().get(Counter.FRAME_TOO_LARGE),
          n0.linkCount(),
          n1.linkCount());
      assertThat(heard)
          .as(
              "n1 shows n0's next line and neither refused a frame as too large, after both"
                  + " caught an equivocation of %d lines of 64,000 bytes",
              LINES)
          .isTrue();
      // (fixb31) each builds a proof that fits a frame, from the lowest seq that fits: both freeze
      // eve at one seq, and neither had to drop a frame of its own as too large
      await()
          .atMost(WAIT)
          .alias("both peers prove eve at one seq")
          .until(
              () ->
                  n0.equivocators().join().containsKey(e)
                      && n0.equivocators().join().get(e).equals(n1.equivocators().join().get(e)));
      System.out.printf(
          "eve frozen at n0 %s, n1 %s; frame_not_sent n0 %d, n1 %d%n",
          n0.equivocators().join().get(e),
          n1.equivocators().join().get(e),
          n0.counters().get(Counter.FRAME_NOT_SENT),
          n1.counters().get(Counter.FRAME_NOT_SENT));
      assertThat(
              n0.counters().get(Counter.FRAME_NOT_SENT) + n1.counters().get(Counter.FRAME_NOT_SENT))
          .as("no proof built over the frame limit")
          .isZero();
    }
  }
}
