package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.room.AuthorQuota;
import org.junit.jupiter.api.Test;

/**
 * rev33 FINDING (real sockets). A member relays one signed line of an honest author (alice) to a
 * peer in a history batch that carries it 1,000 times with its head: the frame layer's chain check
 * passes identical copies ({@code ChainCheck.verifyBatch} refuses only two different versions), and
 * the room charges the author's quota once per copy before the batch is stored. Alice, who wrote
 * two short lines, is held over a quota of 500 of them: her next line is neither stored nor shown
 * at that peer (and with the product's 16 MiB quota about twenty such batches of 4,096 copies do
 * the same, for a day).
 */
class DuplicatedBatchQuotaTest {
  @Test
  void aBatchOfCopiesOfAnHonestLineDoesNotHoldItsAuthor() throws Exception {
    ChainAuthor alice = new ChainAuthor(Identity.generate(), "lobby");
    ChatMessage first = alice.next("hello from alice");
    LinkMessage.Head firstHead = new LinkMessage.Head(alice.head());
    long quota = 500 * AuthorQuota.cost(first);
    try (LoopbackCluster mesh = new LoopbackCluster(33)) {
      PeerNode n0 =
          mesh.start(
              mesh.config(0)
                  .withTracker(null, false)
                  .with(d -> d.roomConfig = d.roomConfig.with(r -> r.authorQuotaBytes = quota)));
      try (RawPeer m = new RawPeer(Identity.generate(), n0.port(), null)) {
        m.send(
            new LinkMessage.SyncBatch(
                1, Collections.nCopies(1_000, first), true, List.of(firstHead.head())));
        await().atMost(Duration.ofSeconds(30)).until(() -> mesh.seen(0).ids().contains(first.id()));
        ChatMessage second = alice.next("and a second line");
        m.send(new LinkMessage.Chat(second));
        m.send(new LinkMessage.Head(alice.head()));
        boolean shown;
        try {
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> mesh.seen(0).ids().contains(second.id()));
          shown = true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          shown = false;
        }
        assertThat(n0.overQuota().get())
            .as("alice wrote 2 lines of a 500-line quota; n0 holds")
            .isEmpty();
        assertThat(shown).as("alice's second line shown at n0").isTrue();
      }
    }
  }
}
