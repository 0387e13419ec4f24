package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * rev36 FINDING-1. docs/security.md "New authors per source": "a first link that was another
 * newcomer who had said a line, does not change that (NewcomerCatchUpInterruptedTest)". The test
 * there has the other newcomer say its line live, after the two linked, which is no catch-up round
 * at all. Here the other newcomer said its line a moment before they linked: nc catches it up in a
 * round of one line, that round "ended whole" (AntiEntropy.endedWhole: other sent its complete
 * digest, nothing lacking), so the hub's link that comes next is no newcomer's link and the room's
 * 700 authors are charged to the hub's source, 64 a day. Since session 36 a round ends whole only
 * when complete digests of two sources or more were up ({@code AntiEntropy.endedWhole}); one link's
 * round is no room.
 */
class NewcomerFirstLinkSaidBeforeTest {
  private static final int AUTHORS = 700;

  private final RoomConfig bounded =
      RoomConfig.defaults()
          .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
  private final Mesh mesh = new Mesh(RoomConfig.defaults(), "feed", "hub", "nc", "other");
  private final Mesh.Peer nc = mesh.peer("nc");
  private final InMemoryMessageStore ncStore = new InMemoryMessageStore();

  private void hubHoldsARoomOfManyAuthors() {
    nc.roomOn(ncStore, 7, bounded);
    mesh.holdsOneLineEach("feed", "hub", AUTHORS);
    assertThat(mesh.peer("hub").room.heldCount()).isEqualTo(AUTHORS);
  }

  @Test
  void aFirstLinkThatHadSaidItsLineBeforeLinkingLeavesTheCatchUpFree() {
    hubHoldsARoomOfManyAuthors();
    // other says hello while alone, then nc and other link: nc catches the line up
    mesh.peer("other").send("hello, anyone?");
    mesh.run(1_000);
    mesh.link("nc", "other").run(30_000);
    assertThat(nc.shown()).containsExactly("hello, anyone?");

    mesh.link("hub", "nc").run(120_000);
    assertThat(nc.deliveries.size())
        .as(
            "nc's lines after its catch-up (new_author refusals %d)",
            nc.room.counters().get(Counter.NEW_AUTHOR))
        .isEqualTo(AUTHORS + 1);
  }

  @Test
  void theHubDroppingMidCatchUpWhileAnotherNewcomersLinkStaysUpLeavesTheCatchUpFree() {
    hubHoldsARoomOfManyAuthors();
    // nc links another newcomer, who says a line live (no catch-up round: the session-35 case)
    mesh.link("nc", "other").run(1_000);
    mesh.peer("other").send("hello, anyone?");
    mesh.run(1_000);
    // then nc links the hub; its first answer comes, then the hub's link drops (a hiccup)
    mesh.link("hub", "nc");
    int before = nc.deliveries.size();
    while (nc.deliveries.size() == before) {
      assertThat(mesh.deliverNext()).as("hub answered nc").isTrue();
    }
    mesh.unlink("hub", "nc").run(5_000); // the round ends: other's link is up, names nothing more

    mesh.link("hub", "nc").run(120_000); // nc links the hub again for the rest
    assertThat(nc.deliveries.size())
        .as(
            "nc's lines after its catch-up (new_author refusals %d)",
            nc.room.counters().get(Counter.NEW_AUTHOR))
        .isEqualTo(AUTHORS + 1);
  }
}
