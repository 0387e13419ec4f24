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
import meshchat.peer.room.Delivery;
import meshchat.proto.v1.Close;
import org.junit.jupiter.api.Test;

/**
 * A hostile member on real sockets signs two versions of its first message and gives one to each of
 * two linked peers. They notice (their digests' tips differ), prove it to each other, freeze
 * mallory's history at seq 1, and from then on show its messages marked and never pass them on.
 */
class EquivocationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final Identity mallory = Identity.generate();

  @Test
  void twoPeersGivenTwoSignedVersionsProveItAndFreezeTheAuthor() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      await().atMost(WAIT).until(() -> n0.linkCount() == 1 && n1.linkCount() == 1);

      ChainAuthor toN0 = new ChainAuthor(mallory, "lobby");
      ChainAuthor toN1 = new ChainAuthor(mallory, "lobby");
      ChatMessage yes = toN0.next("the vote passed");
      ChatMessage no = toN1.next("the vote failed");
      assertThat(yes.id()).isEqualTo(no.id());
      RawPeer r1 = new RawPeer(mallory, n1.port(), null);
      try (RawPeer r0 = new RawPeer(mallory, n0.port(), null)) {
        r0.send(new LinkMessage.Chat(yes));
        r0.send(new LinkMessage.Head(toN0.head()));
        r1.send(new LinkMessage.Chat(no));
        r1.send(new LinkMessage.Head(toN1.head()));

        Map<PeerId, Long> frozen = Map.of(mallory.peerId(), 1L);
        await().atMost(WAIT).until(() -> n0.equivocators().join().equals(frozen));
        await().atMost(WAIT).until(() -> n1.equivocators().join().equals(frozen));
        assertThat(mesh.seen(0).events).anyMatch(e -> e.contains("Equivocated"));

        r1.close(); // mallory goes on with n0 alone
        await().atMost(WAIT).until(() -> n1.linkCount() == 1);
        ChatMessage later = toN0.next("and another thing");
        r0.send(new LinkMessage.Chat(later));
        r0.send(new LinkMessage.Head(toN0.head()));
        await().atMost(WAIT).until(() -> mesh.seen(0).ids().contains(later.id()));
        Delivery shown =
            mesh.seen(0).deliveries.stream()
                .filter(d -> d.message().id().equals(later.id()))
                .findFirst()
                .orElseThrow();
        assertThat(shown.disputed()).as("a later message of an equivocator is marked").isTrue();

        // what n0 sends after it reaches n1; mallory's later message never does
        ChatMessage after = n0.send("moving on").join();
        await().atMost(WAIT).until(() -> mesh.seen(1).ids().contains(after.id()));
        assertThat(n1.history(100).join()).extracting(ChatMessage::id).doesNotContain(later.id());
        assertThat(n0.rejectedMessages()).isZero();
        assertThat(n1.rejectedMessages()).isZero();
      } finally {
        r1.close();
      }
    }
  }

  /**
   * A forged proof (one side's text altered after signing) closes mallory's link, counted by its
   * reason; the victim keeps its honest link and nobody is named equivocating.
   */
  @Test
  void aForgedProofClosesOnlyItsSendersLinkAndNamesNobody() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      await().atMost(WAIT).until(() -> n0.linkCount() == 1 && n1.linkCount() == 1);

      ChainAuthor a = new ChainAuthor(mallory, "lobby");
      ChainAuthor b = new ChainAuthor(mallory, "lobby");
      ChatMessage yes = a.next("yes");
      ChatMessage no = b.next("no");
      ChatMessage forged =
          new ChatMessage(
              no.id(), no.lamport(), no.wallTimeMs(), no.nick(), "NO!", no.deps(), no.prev());
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        r.send(
            new LinkMessage.Equivocated(
                new Equivocation(a.head(), List.of(yes), b.head(), List.of(forged))));
        Close close = r.awaitClose();
        assertThat(close.getReason()).isEqualTo(Close.Reason.INVALID_MESSAGE);
        assertThat(close.getMessage()).contains("does not match");
      }
      assertThat(n0.counters().get(Counters.Counter.PROOF_FORGED)).isEqualTo(1);
      assertThat(n0.equivocators().join()).isEmpty();
      ChatMessage after = n0.send("still here").join();
      await().atMost(WAIT).until(() -> mesh.seen(1).ids().contains(after.id()));
      assertThat(n1.equivocators().join()).isEmpty();
    }
  }
}
