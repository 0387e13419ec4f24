package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.limit.Counters.Counter;
import org.junit.jupiter.api.Test;

/**
 * rev34 FINDING. docs/security.md, "New authors per source": a source introduces at most {@code
 * --new-authors} (64) new <em>authors</em> a day. {@code Room.charged} decides "new" by {@code
 * holdings}, which {@code acceptMessages} only updates after the whole sync batch is stored (in
 * {@code admit}); so every line of one new author in a batch counts as a new author of the link's
 * source. An honest catch-up of one new member's 100 lines spends the hub's whole day budget on
 * that one member, holds the member for an hour (lines 65+ and everything live refused), and every
 * other new author through that hub waits hours.
 */
class NewAuthorCaughtUpLinesTest {
  @Test
  void aNewMembersCaughtUpLinesAreOneNewAuthorOfTheHubsBudget() {
    RoomConfig config =
        RoomConfig.defaults()
            .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
    Mesh mesh = new Mesh(config, "carol", "hub", "vic");
    Mesh.Peer vic = mesh.peer("vic");
    // vic is an established member: it stores hub's line, and its naming minute is long over
    mesh.link("hub", "vic").run(1_000);
    mesh.peer("hub").send("hello");
    mesh.run(70_000);
    assertThat(vic.shown()).contains("hello");
    mesh.unlink("hub", "vic").run(1_000);

    // while vic is away, carol joins through hub and writes 100 lines
    mesh.link("carol", "hub").run(1_000);
    for (int i = 0; i < 100; i++) {
      mesh.peer("carol").send("carol " + i);
      mesh.pump();
    }
    mesh.run(10_000);
    assertThat(mesh.peer("hub").shown()).contains("carol 99");

    // vic comes back and catches up from hub: carol is one new author
    mesh.link("hub", "vic").run(60_000);
    long carolShown = vic.shown().stream().filter(t -> t.startsWith("carol ")).count();
    assertThat(vic.room.counters().get(Counter.NEW_AUTHOR))
        .as("lines of carol refused as a new author (carol lines shown: %d of 100)", carolShown)
        .isZero();
    assertThat(carolShown).as("carol's lines vic shows after its catch-up").isEqualTo(100);
  }
}
