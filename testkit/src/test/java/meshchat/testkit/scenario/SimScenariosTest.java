package meshchat.testkit.scenario;

import static meshchat.testkit.scenario.Scenario.group;
import static org.assertj.core.api.Assertions.assertThat;

import meshchat.fixture.net.Delay;
import meshchat.fixture.net.LinkFaults;
import meshchat.testkit.SimCluster;
import meshchat.testkit.SimConfig;
import meshchat.testkit.check.CheckReport;
import meshchat.testkit.check.InvariantChecker;
import org.junit.jupiter.api.Test;

/**
 * The shared suite over the simulation, plus the faults only the simulated network models (loss,
 * duplication, reordering, clock skew) and a scale the real sockets are not asked to carry.
 */
class SimScenariosTest extends SharedScenariosTest {

  @Override
  protected Cluster newCluster(long seed) {
    return new SimCluster(SimConfig.defaults(seed));
  }

  /** A hundred: the simulation carries the scale the real sockets are not asked to. */
  @Override
  protected int bigRoomPeers() {
    return 100;
  }

  private static CheckReport play(Scenario s, SimConfig config) {
    SimCluster cluster = new SimCluster(config);
    s.run(cluster);
    CheckReport r = InvariantChecker.check(cluster.history());
    assertThat(r.violations()).as(s.name()).isEmpty();
    return r;
  }

  @Test
  void lossDuplicationAndReorderingStillConverge() {
    LinkFaults harsh =
        LinkFaults.calm()
            .withDelay(new Delay(5, 50))
            .withLoss(0.05)
            .withDuplicate(0.05)
            .withReorder(0.2);
    CheckReport r =
        play(Scenarios.chatter(6, 10), SimConfig.defaults(5).with(d -> d.faults = harsh));
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void wallClockSkewChangesNothing() {
    play(Scenarios.chatter(5, 5), SimConfig.defaults(6).with(d -> d.maxSkewMs = 600_000));
  }

  @Test
  void thirtyPeersWithLossAndAPartitionKeepEveryInvariant() {
    Scenario s = Scenario.named("30 x 20 with loss and a partition").start(30).runFor(2_000);
    for (int k = 0; k < 10; k++) {
      s.sendFromEach("before " + k).runFor(100);
    }
    s.partition(group(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)).runFor(500);
    for (int k = 0; k < 10; k++) {
      s.sendFromEach("during " + k).runFor(200);
    }
    s.heal().runUntilQuiet(120_000);
    play(s, SimConfig.defaults(7).with(d -> d.faults = LinkFaults.calm().withLoss(0.01)));
  }
}
