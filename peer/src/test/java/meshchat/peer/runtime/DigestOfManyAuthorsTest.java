package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import org.junit.jupiter.api.Test;

/**
 * (rev31) A peer's complete digest, sent first on every new link, names every origin it holds, in
 * one frame; a receiver refuses a digest of more than {@link LinkCodec#MAX_DIGEST_ENTRIES} (10,000)
 * entries at decode and closes the link. Nothing bounds the origins a room holds: keys cost
 * nothing, and mallory relays one signed line (with its head) from each of 10,001 fresh keys. From
 * then on every peer that holds them sends a digest no peer accepts: no new link of the room comes
 * up, and the store keeps the origins, so a restart does not help.
 */
class DigestOfManyAuthorsTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int KEYS =
      Integer.getInteger("meshchat.digestKeys", LinkCodec.MAX_DIGEST_ENTRIES + 1);

  @Test
  void aRoomHoldingMoreOriginsThanADigestMayNameStillLinksNewcomers() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      ChatMessage last = null;
      try (RawPeer r = new RawPeer(Identity.generate(), n0.port(), null)) {
        last = r.relayALineOfEachNewKey(KEYS, "hi").get(KEYS - 1).written().get(0);
        ChatMessage lastLine = last;
        await()
            .atMost(WAIT)
            .alias("n0 holds a line of each key")
            .until(
                () ->
                    mesh.seen(0).ids().contains(lastLine.id())
                        && n0.history(KEYS + 1).get().size() >= KEYS);
      }
      // an honest newcomer dials n0, and n0 says something
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      ChatMessage hello = n0.send("welcome, newcomer").get();
      boolean shown;
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> mesh.seen(1).ids().contains(hello.id()));
        shown = true;
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        shown = false;
      }
      System.out.printf(
          "n0 holds %d origins; newcomer n1 links now %d, shown n0's line %s; n1 counters %s%n",
          KEYS + 1, n1.linkCount(), shown, n1.counters());
      assertThat(shown)
          .as("a newcomer linked to a peer holding %d origins is shown its line", KEYS + 1)
          .isTrue();
    }
  }
}
