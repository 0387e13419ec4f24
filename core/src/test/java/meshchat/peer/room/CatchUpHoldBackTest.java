package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * A fresh joiner's catch-up is never shown late (docs/ordering.md, section 4): a slice of history
 * that came first waits for the earlier slice that is still on its way, however slowly it comes,
 * within a bound; only a dependency nobody brings is given up on (shown incomplete), and then at
 * the latest {@link Room#CATCH_UP_HOLD_WAITS} hold-back timeouts after the slice came. Until
 * session 34 the hold-back gave up at its first timeout even while the earlier slice was asked and
 * arriving: on a loaded box a slow answer (HistoryAcceptanceTest's 10,000-message catch-up at load
 * 47) put some of the history on the screen marked late.
 */
class CatchUpHoldBackTest {
  private static final int HISTORY = 3_000;
  private final RoomConfig config = RoomConfig.defaults();
  private final Mesh mesh = new Mesh(config, "ann", "bob", "carol");
  private final Peer ann = mesh.peer("ann");

  /**
   * bob and carol each hold a conversation of {@link #HISTORY} lines; ann joins, asks bob for the
   * first slices and carol, linked next, for later ones. bob's answers are held on the wire;
   * carol's come at once, and wait at ann for bob's.
   */
  private void annAsksBobThenCarol() {
    mesh.link("bob", "carol");
    mesh.takeTurns(new String[] {"bob", "carol"}, HISTORY, "x");
    mesh.link("ann", "bob");
    while (mesh.sentOf(SyncRequest.class, mesh.from("ann").and(mesh.to("bob"))).isEmpty()) {
      assertThat(mesh.deliverNext()).as("ann asked bob").isTrue();
    }
    mesh.block("bob", "ann"); // bob's answers are slow
    mesh.link("ann", "carol").pump();
    assertThat(mesh.batchedMessages("carol", "ann"))
        .as("carol answered a later slice")
        .isPositive();
    assertThat(ann.room.heldBackCount()).as("carol's slice waits for bob's").isPositive();
    assertThat(ann.deliveries).hasSizeLessThan(HISTORY);
  }

  @Test
  void aSliceWaitsForTheEarlierSliceStillOnItsWayPastTheHoldBackTimeout() {
    annAsksBobThenCarol();
    // bob answers after the hold-back timeout, well within the sync request's
    mesh.tick(config.holdBackTimeoutMs() + 1_000);
    assertThat(ann.deliveries).noneMatch(Delivery::incomplete);
    mesh.unblock("bob", "ann").run(config.syncIntervalMs());

    assertThat(ann.shownIds()).hasSize(HISTORY).doesNotHaveDuplicates();
    assertThat(ann.deliveries)
        .as("a fresh joiner's catch-up: none late, none incomplete")
        .allMatch(d -> d.catchUp() && !d.late() && !d.incomplete());
  }

  @Test
  void aSliceWhoseEarlierOneNobodyBringsIsShownIncompleteWithinTheBound() {
    annAsksBobThenCarol();
    mesh.block("carol", "ann"); // and carol answers no more: nobody brings bob's slice
    int shown = ann.deliveries.size();
    long bound = Room.CATCH_UP_HOLD_WAITS * config.holdBackTimeoutMs();
    mesh.tick(bound - 1);
    assertThat(ann.deliveries).as("waited while it was named and asked").hasSize(shown);
    mesh.tick(1);
    assertThat(ann.deliveries.size()).as("given up on at the bound").isGreaterThan(shown);
    assertThat(ann.deliveries.get(shown).incomplete()).isTrue();
    assertThat(ann.deliveries).as("all it stored is shown").hasSize((int) ann.room.heldCount());
  }
}
