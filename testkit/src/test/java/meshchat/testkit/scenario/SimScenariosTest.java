package meshchat.testkit.scenario;

import static meshchat.testkit.scenario.Scenario.group;
import static org.assertj.core.api.Assertions.assertThat;

import meshchat.testkit.SimCluster;
import meshchat.testkit.SimConfig;
import meshchat.testkit.check.CheckReport;
import meshchat.testkit.check.History;
import meshchat.testkit.check.InvariantChecker;
import meshchat.testkit.net.Delay;
import meshchat.testkit.net.LinkFaults;
import org.junit.jupiter.api.Test;

/** One test per fault type: each story ends quiet, and every invariant holds. */
class SimScenariosTest {

  private static CheckReport play(Scenario s, SimConfig config) {
    SimCluster cluster = new SimCluster(config);
    s.run(cluster);
    History h = cluster.history();
    CheckReport r = InvariantChecker.check(h);
    assertThat(r.violations()).as(s.name()).isEmpty();
    return r;
  }

  @Test
  void partitionThenHealConverges() {
    Scenario s = Scenarios.partitionHeals();
    CheckReport r = play(s, SimConfig.defaults(1));
    assertThat(r.incomplete()).isZero();
  }

  @Test
  void crashAndRestartKeepingTheStoreConverges() {
    play(Scenarios.crashRestart(true), SimConfig.defaults(2));
  }

  @Test
  void crashAndRestartWipingTheStoreConverges() {
    play(Scenarios.crashRestart(false), SimConfig.defaults(3));
  }

  @Test
  void peersThatStartWhileTheTrackerIsDownMeetWhenItComesBack() {
    SimCluster cluster = new SimCluster(SimConfig.defaults(4));
    Scenario.named("tracker down")
        .trackerDown()
        .start(4)
        .sendFromEach("alone")
        .runFor(3_000)
        .run(cluster);
    // nobody can find anybody: each holds only its own message
    for (int i = 0; i < 4; i++) {
      assertThat(cluster.peer(i).storedCount()).isEqualTo(1);
    }
    Scenario.named("tracker up").trackerUp().runUntilQuiet(30_000).run(cluster);
    assertThat(cluster.peer(0).storedCount()).isEqualTo(4);
    assertThat(InvariantChecker.check(cluster.history()).violations()).isEmpty();
  }

  @Test
  void lossDuplicationAndReorderingStillConverge() {
    LinkFaults harsh =
        LinkFaults.calm()
            .withDelay(new Delay(5, 50))
            .withLoss(0.05)
            .withDuplicate(0.05)
            .withReorder(0.2);
    CheckReport r = play(Scenarios.chatter(6, 10), SimConfig.defaults(5).withFaults(harsh));
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void wallClockSkewChangesNothing() {
    play(Scenarios.chatter(5, 5), SimConfig.defaults(6).withMaxSkewMs(600_000));
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
    play(s, SimConfig.defaults(7).withFaults(LinkFaults.calm().withLoss(0.01)));
  }
}
