package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * A catch-up from two links at once, as a partition heals: every link across names what we lack,
 * and each is asked for other slices of time. A slice whose earlier one is still on its way on the
 * other link waits whole; past the link's share of the hold-back ({@link
 * RoomConfig#maxHeldPerLink}) the rest was refused, then asked and sent again (session 33: a
 * quarter of the messages in the 100 x 100 simulation's sync batches). So while another link has a
 * request in flight, a link is asked for no more than its share has room for.
 */
class HoldBackRoomTest {
  private static final String[] AUTHORS = {"alice", "bob", "carol", "dave"};

  @Test
  void aCatchUpFromTwoLinksAtOnceIsNeverRefusedForTheHoldBack() {
    RoomConfig config =
        RoomConfig.defaults()
            .with(
                d -> {
                  d.syncIntervalMs = 60_000;
                  d.syncMaxMessages = 64;
                  d.maxHeldPerLink = 96;
                });
    Mesh mesh = new Mesh(config, "alice", "bob", "carol", "dave", "erin");
    for (int i = 0; i < AUTHORS.length; i++) {
      for (int j = i + 1; j < AUTHORS.length; j++) {
        mesh.link(AUTHORS[i], AUTHORS[j]);
      }
    }
    mesh.run(10);
    int total = 800;
    mesh.takeTurns(AUTHORS, total, "x"); // each line answers the one before: a conversation
    Peer erin = mesh.peer("erin");
    mesh.link("erin", "alice");
    mesh.link("erin", "bob");
    while (asked(mesh, "alice") == 0 || asked(mesh, "bob") == 0) {
      assertThat(mesh.deliverNext()).as("erin asks both links").isTrue();
    }
    // alice's answers are slow: bob's, later slices of the same conversation, come first and wait
    mesh.block("alice", "erin");
    mesh.pump();
    mesh.run(20);
    assertThat(asked(mesh, "bob"))
        .as("bob was asked for no more than erin can hold of it")
        .isLessThanOrEqualTo(config.maxHeldPerLink());
    mesh.unblock("alice", "erin");
    for (int round = 0; round < 200 && erin.history().size() < total; round++) {
      mesh.pump();
      mesh.run(20);
    }

    assertThat(erin.history()).hasSize(total);
    assertThat(erin.room.counters().get(Counter.HOLD_BACK_BUDGET))
        .as("messages refused for want of hold-back")
        .isZero();
    Map<String, Integer> carried = new HashMap<>();
    int all = 0;
    for (String from : List.of("alice", "bob")) {
      int n = 0;
      for (SyncBatch b : mesh.sentOf(SyncBatch.class, mesh.from(from).and(mesh.to("erin")))) {
        n += b.messages().size();
      }
      carried.put(from, n);
      all += n;
    }
    assertThat(carried.values()).as("both links were asked").allMatch(n -> n > 0);
    assertThat(all)
        .as("messages carried to erin, " + carried)
        .isLessThanOrEqualTo(total + total / 10);
  }

  /** What erin asked {@code from} for, in messages. */
  static long asked(Mesh mesh, String from) {
    long n = 0;
    for (SyncRequest r : mesh.sentOf(SyncRequest.class, mesh.from("erin").and(mesh.to(from)))) {
      for (Want w : r.wants()) {
        n += w.range().size();
      }
    }
    return n;
  }
}
