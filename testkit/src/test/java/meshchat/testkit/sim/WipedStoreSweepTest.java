package meshchat.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.net.Delay;
import meshchat.fixture.net.LinkFaults;
import meshchat.testkit.SimConfig;
import meshchat.testkit.check.Violation;
import org.junit.jupiter.api.Test;

/**
 * The seeded sweep that found the self-fork (docs/storage.md): 25 peers with 3% loss, 1%
 * duplication, 5% reordering and 5 s of clock skew, a partition, the tracker down, and one peer
 * that crashes, loses its whole store but keeps its identity, and restarts while its neighbours are
 * reachable and it goes on typing. Before the self-fork guard about one seed in twelve forked (the
 * restarted peer authored seq 1 again); now every seed must keep every invariant.
 */
class WipedStoreSweepTest {
  private static final int SEEDS = Integer.getInteger("meshchat.sweep.seeds", 12);

  static SimPlan plan(long seed) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
    int peers = 25;
    LinkFaults faults =
        LinkFaults.calm()
            .withDelay(new Delay(10, 20))
            .withLoss(0.03)
            .withDuplicate(0.01)
            .withReorder(0.05);
    SimConfig config =
        SimConfig.defaults(seed)
            .with(
                d -> {
                  d.faults = faults;
                  d.maxSkewMs = 5_000;
                });
    int victim = r.nextInt(peers);
    // the partition and the tracker outage are over before the victim restarts: it can reach
    // its neighbours (the offline case, where a fork stays possible, is not this sweep's)
    List<Specs.PartitionSpec> partition = List.of(Specs.partition("0-11|12-24@3000..5000", peers));
    long down = 4_000 + r.nextLong(2_000);
    long up = down + 2_000 + r.nextLong(3_000);
    List<Specs.CrashSpec> crash =
        List.of(new Specs.CrashSpec(victim, new Specs.Window(down, up), true));
    List<Specs.Window> tracker = List.of(new Specs.Window(2_500, 4_000));
    return new SimPlan(config, peers, 8, 0, 2_000, 12_000, partition, crash, tracker, 300_000);
  }

  @Test
  void aPeerRestartedWithAWipedStoreAndItsIdentityNeverForksItsOrigin() {
    List<String> failures = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimPlan plan = plan(seed);
      Specs.CrashSpec crash = plan.crashes().get(0);
      long restart = crash.window().toMs();
      SplittableRandom typing = new SplittableRandom(seed);
      // the restarted peer types at once (within 0.6 s), before it could have caught up
      SimRun.Result r =
          SimRun.run(
              plan,
              Progress.NONE,
              c -> {
                for (int k = 0; k < 3; k++) {
                  String text = "right after the restart " + k;
                  c.at(restart + typing.nextLong(600), () -> c.send(crash.peer(), text));
                }
              });
      for (Violation v : r.check().violations()) {
        failures.add("seed " + seed + ": " + v);
      }
      if (!r.quiet()) {
        failures.add("seed " + seed + ": never went quiet");
      }
      if (r.history().peers().stream().anyMatch(p -> p.forkNotices() > 0)) {
        failures.add("seed " + seed + ": a fork notice");
      }
    }
    assertThat(failures).isEmpty();
  }
}
