package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.fixture.room.SendsOnly;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.Prune;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import org.junit.jupiter.api.Test;

/**
 * Losing the parent on an author's tree grafts other links for that author ({@link
 * Broadcast#linkDown}); in a mass crash the links grafted may go down next, before they bring
 * anything, and the author is then grafted again elsewhere instead of being left to anti-entropy
 * (issue 13's 30 % crash: docs/simulation.md, session 38).
 */
class BroadcastRegraftTest {
  private final EventQueue queue = new EventQueue();
  private final List<Map.Entry<PeerId, LinkMessage>> sent = new ArrayList<>();
  private final AuthorIndex<PeerId> authors = new AuthorIndex<>();
  private final Broadcast broadcast =
      new Broadcast(
          SendsOnly.each((to, m) -> sent.add(Map.entry(to, m))),
          new PeerScheduler(queue),
          id -> false,
          author -> 2,
          (to, ids) -> {},
          new SplittableRandom(1),
          authors);

  @Test
  void anAuthorGraftedOnLinksThatGoDownBeforeBringingItIsGraftedAgainElsewhere() {
    PeerId author = peer(100);
    authors.add(author); // the room numbers an author when it stores its first message
    PeerId parent = peer(1);
    List<PeerId> others = others();
    Broadcast.Link up = broadcast.linkUp(parent);
    others.forEach(broadcast::linkUp);
    broadcast.received(up, parent, new MessageId(author, 1), true, true); // parent's first copy
    for (PeerId p : others) {
      broadcast.onPrune(p, new Prune(List.of(author))); // every other link pruned for the author
    }

    broadcast.linkDown(parent); // the parent crashed
    List<PeerId> first = graftedFor(author);
    assertThat(first).hasSize(Broadcast.REGRAFT_FANOUT);

    sent.clear();
    first.forEach(broadcast::linkDown); // and the peers grafted crashed with it
    List<PeerId> second = graftedFor(author);
    assertThat(second)
        .as("the author is grafted again on links still up")
        .hasSize(Broadcast.REGRAFT_FANOUT)
        .doesNotContainAnyElementsOf(first)
        .isSubsetOf(others);
  }

  @Test
  void anAuthorWithAParentAgainIsNotGraftedWhenARegraftedLinkGoesDown() {
    PeerId author = peer(100);
    authors.add(author); // the room numbers an author when it stores its first message
    PeerId parent = peer(1);
    List<PeerId> others = others();
    Broadcast.Link up = broadcast.linkUp(parent);
    List<Broadcast.Link> links = new ArrayList<>();
    others.forEach(p -> links.add(broadcast.linkUp(p)));
    broadcast.received(up, parent, new MessageId(author, 1), true, true);
    for (PeerId p : others) {
      broadcast.onPrune(p, new Prune(List.of(author)));
    }
    broadcast.linkDown(parent);
    List<PeerId> first = graftedFor(author);
    PeerId bringer = first.get(0);
    Broadcast.Link bringerLink = links.get(others.indexOf(bringer));
    broadcast.received(bringerLink, bringer, new MessageId(author, 2), true, true);

    sent.clear();
    broadcast.linkDown(first.get(1)); // the other grafted link goes down: the tree stands
    assertThat(graftedFor(author)).isEmpty();
  }

  /** Links enough for two regrafts: the first's and, after they go down, the second's. */
  private static List<PeerId> others() {
    List<PeerId> others = new ArrayList<>();
    for (int i = 0; i < 2 * Broadcast.REGRAFT_FANOUT; i++) {
      others.add(peer(2 + i));
    }
    return others;
  }

  private List<PeerId> graftedFor(PeerId author) {
    List<PeerId> to = new ArrayList<>();
    for (Map.Entry<PeerId, LinkMessage> e : sent) {
      if (e.getValue() instanceof Graft g
          && g.ids().stream().anyMatch(id -> id.origin().equals(author))) {
        to.add(e.getKey());
      }
    }
    return to;
  }

  private static PeerId peer(int n) {
    byte[] key = new byte[32];
    key[0] = (byte) n;
    key[1] = (byte) (n >> 8);
    return PeerId.of(key);
  }
}
