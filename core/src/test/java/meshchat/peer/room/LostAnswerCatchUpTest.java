package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * A late joiner whose first link goes down with the history's answer still on the wire (the
 * one-link-per-pair tie-break when both peers dialed at once closes one of two fresh links, and a
 * frame in flight on it is never read) gets the whole history on the next link at once, and shows
 * it as one catch-up. Until session 33 the answerer had charged the lost answer to the source's
 * once-only allowance, so the next link's ask was answered empty, the rest came a message a period
 * later, and the chat showed "caught up 1 message", then the other 29 ten seconds on
 * (ScrollbackProcessTest failed so in CI).
 */
class LostAnswerCatchUpTest {
  private static final int HISTORY = 30;
  private final RoomConfig config = RoomConfig.defaults().with(c -> c.syncFirstMessages = 256);
  private final Mesh mesh = new Mesh(config, true, "ann", "bob");
  private final Peer ann = mesh.peer("ann");
  private final Peer bob = mesh.peer("bob");

  /** Links ann and bob and delivers frames until bob's answer to ann is on the wire, unread. */
  private void linkUntilBobAnswered() {
    mesh.link("ann", "bob");
    while (mesh.batchedMessages("bob", "ann") == 0) {
      assertThat(mesh.deliverNext()).as("bob answered ann's first ask").isTrue();
    }
  }

  private void bobSaidTheHistory() {
    for (int i = 0; i < HISTORY; i++) {
      bob.send("m" + i);
    }
    mesh.pump();
  }

  @Test
  void anAnswerLostWithItsLinkIsAnsweredAgainOnTheNextLinkAtOnce() {
    bobSaidTheHistory();
    linkUntilBobAnswered();
    assertThat(mesh.batchedMessages("bob", "ann")).isEqualTo(HISTORY);
    mesh.unlink("ann", "bob"); // the tie-break's loser: what was on it is lost
    mesh.link("ann", "bob").run(100); // well within a sync period

    assertThat(ann.shown()).hasSize(HISTORY);
    assertThat(ann.deliveries).allMatch(Delivery::catchUp);
    assertThat(ann.notices(RoomNotice.CaughtUp.class))
        .containsExactly(new RoomNotice.CaughtUp(HISTORY));
  }

  @Test
  void aPeerThatLinksAndDropsAgainIsGivenBackOneAnswerAPeriodAtMost() {
    bobSaidTheHistory();
    linkUntilBobAnswered();
    mesh.unlink("ann", "bob");
    mesh.link("ann", "bob").run(100);
    long twice = mesh.batchedMessages("bob", "ann");
    assertThat(twice).isEqualTo(2L * HISTORY);

    // given back once: a third young link, lost the same way by a peer that forgot it all, finds
    // the source owing the asks again that the give-back borrowed, and is answered empty
    mesh.unlink("ann", "bob");
    ann.restartOn(new InMemoryMessageStore());
    int shown = ann.shown().size();
    int batches = mesh.sentOf(SyncBatch.class, mesh.from("bob")).size();
    mesh.link("ann", "bob").run(100);
    assertThat(mesh.sentOf(SyncBatch.class, mesh.from("bob")).size()).isGreaterThan(batches);
    assertThat(mesh.batchedMessages("bob", "ann")).isEqualTo(twice);
    assertThat(ann.shown()).hasSize(shown);

    // and not held for good: once the link has been up a whole period, the asks again answer it
    mesh.run(3 * config.syncIntervalMs());
    assertThat(ann.history()).hasSize(HISTORY);
  }
}
