package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.room.SendsOnly;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import org.junit.jupiter.api.Test;

/**
 * A digest's news grafted from its sender ({@link Broadcast#graftFrom}): every id goes out in
 * Grafts within the frame bound, and an id the graft does not bring is forgotten after the graft's
 * retry time, so what a peer's digests name cannot pile up as missing ids nobody grafts again.
 */
class BroadcastGraftFromTest {
  private final EventQueue queue = new EventQueue();
  private final List<LinkMessage> sent = new ArrayList<>();
  private final Broadcast broadcast =
      new Broadcast(
          new SendsOnly(sent),
          new PeerScheduler(queue),
          id -> false,
          author -> 1,
          (to, ids) -> {},
          new SplittableRandom(1),
          new AuthorIndex<>());

  @Test
  void everyNamedIdIsGraftedInFramesWithinTheBoundAndForgottenIfNeverBrought() {
    PeerId from = peer(0);
    broadcast.linkUp(from);
    List<MessageId> ids = new ArrayList<>();
    for (int a = 1; a <= 150; a++) {
      for (long seq = 1; seq <= 4; seq++) {
        ids.add(new MessageId(peer(a), seq)); // 600 ids: more than two frames' worth
      }
    }
    broadcast.graftFrom(from, ids);

    List<MessageId> grafted = new ArrayList<>();
    for (LinkMessage m : sent) {
      Graft g = (Graft) m;
      assertThat(g.ids()).hasSizeLessThanOrEqualTo(256);
      grafted.addAll(g.ids());
    }
    assertThat(grafted).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(broadcast.missingCount()).isEqualTo(600);

    queue.advance(Broadcast.GRAFT_RETRY_MS);
    assertThat(broadcast.missingCount()).as("no other announcer: left to anti-entropy").isZero();
    assertThat(sent).as("no graft again").hasSize(3);
  }

  @Test
  void aLinkThatIsNotUpIsNotGrafted() {
    broadcast.graftFrom(peer(9), List.of(new MessageId(peer(1), 1)));
    assertThat(sent).isEmpty();
    assertThat(broadcast.missingCount()).isZero();
  }

  private static PeerId peer(int n) {
    byte[] key = new byte[32];
    key[0] = (byte) n;
    key[1] = (byte) (n >> 8);
    return PeerId.of(key);
  }
}
