package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.frame.ChainCheck;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/**
 * Hash chains over the broadcast tree, on real sockets: a message that reaches a peer by a lazy
 * link (ids, then a graft) is authenticated by the heads its graft answer carries, and a peer that
 * took a graft answer forwards it on the tree with a head the next hop accepts.
 */
class ChainTreeTest {
  private final Identity carol = Identity.generate();

  @Test
  void aGraftOnALazyLinkIsAnsweredWithMessagesAndTheHeadsThatProveThem() throws Exception {
    try (LocalMesh mesh = new LocalMesh()) {
      // far writes; middle relays far's messages to carol, who has pruned that link (an author
      // pushes its own messages whole on every link, so only relayed ones go by id)
      PeerNode middle = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode far = mesh.start(mesh.config(1).withTracker(null, false));
      far.dial(new PeerAddress(middle.self(), middle.nick(), "127.0.0.1", middle.port()));
      await().atMost(Duration.ofSeconds(30)).until(() -> middle.linkCount() == 1);
      try (RawPeer raw = new RawPeer(carol, middle.port(), null)) {
        raw.send(new LinkMessage.Prune()); // push me ids only
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> middle.linkCount() == 2); // the prune is behind the open link
        for (String t : List.of("one", "two", "three")) {
          far.send(t).get(20, TimeUnit.SECONDS);
        }
        LinkMessage.IHave ihave = raw.readUntil(LinkMessage.IHave.class);
        raw.send(new LinkMessage.Graft(ihave.ids()));
        LinkMessage.SyncBatch answer = raw.readUntil(LinkMessage.SyncBatch.class);

        assertThat(answer.requestId()).isZero();
        // what the receiving link does: refuses unless every message is reached from a head
        LinkMessage.SyncBatch checked = new ChainCheck("lobby").onBatch(answer);
        assertThat(checked.messages()).extracting(ChatMessage::id).containsAll(ihave.ids());
        assertThat(checked.messages()).allMatch(m -> m.origin().equals(far.self()));
        assertThat(checked.heads()).isNotEmpty();
      }
    }
  }

  @Test
  void aGraftedMessageIsTakenLiveAndForwardedWithItsHead() throws Exception {
    try (LocalMesh mesh = new LocalMesh()) {
      PeerNode middle = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode far = mesh.start(mesh.config(1).withTracker(null, false));
      far.dial(new PeerAddress(middle.self(), middle.nick(), "127.0.0.1", middle.port()));
      await().atMost(Duration.ofSeconds(30)).until(() -> middle.linkCount() == 1);

      ChainAuthor carolWrites = new ChainAuthor(carol, "lobby");
      ChatMessage m = carolWrites.next("from the lazy side");
      try (RawPeer raw = new RawPeer(carol, middle.port(), null)) {
        raw.send(new LinkMessage.IHave(List.of(m.id())));
        LinkMessage.Graft graft = raw.readUntil(LinkMessage.Graft.class); // after its timeout
        assertThat(graft.ids()).contains(m.id());
        raw.send(new LinkMessage.SyncBatch(0, List.of(m), true, List.of(carolWrites.head())));

        await().atMost(Duration.ofSeconds(30)).until(() -> mesh.seen(1).ids().contains(m.id()));
      }
      List<MessageId> shownByMiddle = mesh.seen(0).ids();
      assertThat(shownByMiddle).contains(m.id());
      assertThat(mesh.seen(0).deliveries)
          .filteredOn(d -> d.message().id().equals(m.id()))
          .singleElement()
          .satisfies(d -> assertThat(d.catchUp()).as("a graft answer is live").isFalse());
      assertThat(far.rejectedMessages()).isZero();
    }
  }
}
