package meshchat.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meshchat.fixture.net.Delay;
import meshchat.fixture.net.LinkFaults;
import meshchat.peer.message.PeerId;
import meshchat.testkit.SimConfig;
import meshchat.testkit.check.Invariant;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Violation;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulation runs with an equivocating member: in a room of 12 on a lossy, reordering
 * network, p0 talks honestly, then signs two histories (peers of odd index get the second, live, by
 * heads and in history batches) while everyone goes on talking, across a partition. Every run must
 * keep every invariant, the equivocation one included: every live peer names p0, frozen at the seq
 * where its histories part, and agrees on everything else.
 */
class EquivocatingMemberSimTest {
  private static final int SEEDS = Integer.getInteger("meshchat.equivocation.seeds", 4);
  private static final long EQUIVOCATE_AT = 3_000;

  static SimPlan plan(long seed) {
    int peers = 12;
    LinkFaults faults =
        LinkFaults.calm().withDelay(new Delay(10, 20)).withLoss(0.02).withReorder(0.05);
    SimConfig config =
        SimConfig.defaults(seed)
            .with(
                d -> {
                  d.faults = faults;
                  d.chained = true;
                });
    List<Specs.PartitionSpec> partition = List.of(Specs.partition("0-5|6-11@4000..6000", peers));
    return new SimPlan(config, peers, 6, 0, 2_000, 8_000, partition, List.of(), List.of(), 300_000);
  }

  @Test
  void everyPeerNamesTheEquivocatorAtTheSameSeqAndEveryInvariantHolds() {
    List<String> failures = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      long[] from = new long[1];
      SimRun.Result r =
          SimRun.run(
              plan(seed),
              Progress.NONE,
              c -> {
                c.at(
                    EQUIVOCATE_AT,
                    () -> {
                      from[0] = c.peer(0).room().ownSeq() + 1; // its histories part here
                      c.peer(0).equivocate();
                    });
                for (int k = 0; k < 3; k++) {
                  String text = "two-faced " + k;
                  c.at(EQUIVOCATE_AT + 100 + 700 * k, () -> c.send(0, text));
                }
              });
      PeerId mallory = r.cluster().peer(0).id();
      long frozen = from[0];
      for (Violation v : r.check().violations()) {
        failures.add("seed " + seed + ": " + v);
      }
      if (!r.quiet()) {
        failures.add("seed " + seed + ": never went quiet");
      }
      if (!r.check().held(Invariant.EQUIVOCATION)) {
        failures.add("seed " + seed + ": the equivocation invariant broke");
      }
      for (PeerHistory p : r.history().peers()) {
        Map<PeerId, Long> named = p.equivocators();
        if (!named.containsKey(mallory) || named.get(mallory) != frozen || named.size() != 1) {
          failures.add("seed " + seed + ": " + p.name() + " names " + named);
        }
      }
    }
    assertThat(failures).isEmpty();
  }
}
