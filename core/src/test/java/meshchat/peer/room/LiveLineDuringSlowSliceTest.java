package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * rev35 FINDING. Session 34 (30f1be79) lets a catch-up message whose dependencies are still coming
 * wait up to {@link Room#CATCH_UP_HOLD_WAITS} hold-back timeouts (20 s), so that a fresh joiner's
 * later slice waits for its earlier, slow slice and the history is not shown late
 * (CatchUpHoldBackTest). A live line that comes meanwhile and names the held slice (anyone speaking
 * in the room during the catch-up: its deps are the room's latest lines, which are in that slice)
 * gets only the one live timeout (5 s): it is shown incomplete while the slice it answers is still
 * held, and when the slow slice comes, the whole caught-up history is shown below it, every line
 * marked late: what the change meant to prevent, whenever someone talks during a slow catch-up.
 */
class LiveLineDuringSlowSliceTest {
  private static final int HISTORY = 3_000;
  private final RoomConfig config = RoomConfig.defaults();
  private final Mesh mesh = new Mesh(config, "ann", "bob", "carol");
  private final Peer ann = mesh.peer("ann");

  @Test
  void aLiveLineDuringASlowCatchUpSliceIsNotShownAheadOfTheHistoryItAnswers() {
    // CatchUpHoldBackTest's setup: ann asks bob for the first slices, carol for later ones; bob's
    // answers are slow, carol's slice waits at ann for bob's
    mesh.link("bob", "carol");
    mesh.takeTurns(new String[] {"bob", "carol"}, HISTORY, "x");
    mesh.link("ann", "bob");
    while (mesh.sentOf(SyncRequest.class, mesh.from("ann").and(mesh.to("bob"))).isEmpty()) {
      assertThat(mesh.deliverNext()).as("ann asked bob").isTrue();
    }
    mesh.block("bob", "ann"); // bob's answers are slow
    mesh.link("ann", "carol").pump();
    assertThat(ann.room.heldBackCount()).as("carol's slice waits for bob's").isPositive();

    // carol says something live meanwhile (it names the room's latest lines: carol's slice)
    mesh.peer("carol").send("live: did everyone see the last line?");
    mesh.pump();
    // bob answers after the hold-back timeout, well within the sync request's (as in
    // CatchUpHoldBackTest.aSliceWaitsForTheEarlierSliceStillOnItsWayPastTheHoldBackTimeout)
    mesh.tick(config.holdBackTimeoutMs() + 1_000);
    mesh.unblock("bob", "ann").run(config.syncIntervalMs());

    assertThat(ann.shownIds()).hasSize(HISTORY + 1).doesNotHaveDuplicates();
    List<Delivery> late = ann.deliveries.stream().filter(Delivery::late).toList();
    List<Delivery> incomplete = ann.deliveries.stream().filter(Delivery::incomplete).toList();
    assertThat(late.size() + incomplete.size())
        .as(
            "lines shown late %d (first: %s), incomplete %s; the live line shown as the %d-th",
            late.size(),
            late.isEmpty() ? "-" : late.get(0).message().text(),
            incomplete.stream().map(d -> d.message().text()).toList(),
            ann.shown().indexOf("live: did everyone see the last line?") + 1)
        .isZero();
  }
}
