package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import org.junit.jupiter.api.Test;

/**
 * rev29 F10: a peer "sends every proof it keeps to each new link" (docs/security.md,
 * "Equivocation"), strangers' proofs included, and keeps about 16 MiB of them (counted by {@code
 * approxBytes}, three bytes a character: for CJK text that is the wire size). A stranger that never
 * posts a line sends sixteen valid proofs of about 1 MB once; from then on every link this peer
 * makes, to anyone, starts with 16 MB of proofs about keys nobody has heard of, and the peer passes
 * them on, so every peer in the room does the same: a newcomer joining through 30 peers downloads
 * half a gigabyte, and the 16 MiB send queue a link may hold is filled at link-up. Here a newcomer
 * links to the peer after the stranger's proofs, and what it read before the peer's one line of
 * history reached it is counted.
 */
class Rev29F10ProofsToEveryNewLinkTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void strangersProofsAreNotSentToEveryNewLink() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      Identity mallory = Identity.generate();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < 16; i++) {
          r.send(proof(8, 21_000));
        }
        await().atMost(WAIT).until(() -> n0.equivocators().join().size() == 16);
      }
      ChatMessage hi = n0.send("the one line of history").join();

      PeerNode n2 = mesh.start(mesh.config(1).withTracker(null, false));
      long in0 = n2.counters().get(Traffic.BYTES_IN);
      n2.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      // n0 sends its digest, then its proofs, then (asked) its history: once the line is here,
      // everything n0 sent at link-up was read
      await()
          .atMost(WAIT)
          .alias("the newcomer links and catches up the one line")
          .until(() -> mesh.seen(1).ids().contains(hi.id()));
      long read = n2.counters().get(Traffic.BYTES_IN) - in0;
      assertThat(read)
          .as("bytes a newcomer read from a peer holding one line, after a stranger's proofs")
          .isLessThan(2L << 20);
    }
  }

  /** A valid proof against a fresh key: {@code lines} lines a side of {@code chars} CJK chars. */
  private static LinkMessage proof(int lines, int chars) {
    Identity k = Identity.generate();
    ChainAuthor a = new ChainAuthor(k, "lobby");
    ChainAuthor b = new ChainAuthor(k, "lobby");
    List<ChatMessage> as = new ArrayList<>();
    List<ChatMessage> bs = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      as.add(a.next("日".repeat(chars)));
      bs.add(b.next("月".repeat(chars)));
    }
    return new LinkMessage.Equivocated(new Equivocation(a.head(), as, b.head(), bs));
  }
}
