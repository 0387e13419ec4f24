package meshchat.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.testkit.check.CheckReport;
import meshchat.testkit.check.History;
import meshchat.testkit.check.InvariantChecker;
import org.junit.jupiter.api.Test;

/**
 * The shared scenario suite, once per transport (after Ratis's LeaderElectionTests): a subclass
 * says how to build a {@link Cluster}; every story here must end quiet with every invariant held.
 */
abstract class SharedScenariosTest {

  /** A fresh cluster for one test; closed by the test. */
  protected abstract Cluster newCluster(long seed);

  /**
   * How many peers the big-room stories start: past the full mesh (33), so that partial views,
   * forward-joins and the broadcast tree carry the room.
   */
  protected abstract int bigRoomPeers();

  /** A fresh cluster for a big-room story; by default as {@link #newCluster}. */
  protected Cluster newBigCluster(long seed) {
    return newCluster(seed);
  }

  protected CheckReport play(Scenario s, long seed) {
    return play(s, newCluster(seed));
  }

  private static CheckReport play(Scenario s, Cluster c) {
    try (Cluster cluster = c) {
      s.run(cluster);
      CheckReport r = InvariantChecker.check(cluster.history());
      assertThat(r.violations()).as(s.name()).isEmpty();
      return r;
    }
  }

  @Test
  void aBigRoomOnPartialViewsAgrees() {
    play(Scenarios.bigRoom(bigRoomPeers()), newBigCluster(13));
  }

  @Test
  void aBigRoomThatLosesAThirdAtOnceAgrees() {
    play(Scenarios.bigRoomLosesAThird(bigRoomPeers()), newBigCluster(14));
  }

  @Test
  void partitionThenHealConverges() {
    CheckReport r = play(Scenarios.partitionHeals(), 1);
    assertThat(r.incomplete()).isZero();
  }

  @Test
  void crashAndRestartKeepingTheStoreConverges() {
    play(Scenarios.crashRestart(true), 2);
  }

  @Test
  void crashAndRestartWipingTheStoreConverges() {
    play(Scenarios.crashRestart(false), 3);
  }

  @Test
  void peersThatStartWhileTheTrackerIsDownMeetWhenItComesBack() {
    try (Cluster cluster = newCluster(4)) {
      Scenario.named("tracker down")
          .trackerDown()
          .start(4)
          .sendFromEach("alone")
          .runFor(3_000)
          .run(cluster);
      // nobody can find anybody: each holds only its own message
      History alone = cluster.history();
      for (int i = 0; i < 4; i++) {
        assertThat(alone.peers().get(i).finalStore()).as("p" + i).hasSize(1);
      }
      Scenario.named("tracker up").trackerUp().runUntilQuiet(30_000).run(cluster);
      History after = cluster.history();
      assertThat(after.peers().get(0).finalStore()).hasSize(4);
      assertThat(InvariantChecker.check(after).violations()).isEmpty();
    }
  }

  @Test
  void peersChattingTogetherAgree() {
    CheckReport r = play(Scenarios.chatter(5, 5), 5);
    assertThat(r.incomplete()).isZero();
  }

  @Test
  void lateJoinersCatchUp() {
    play(Scenarios.lateJoiners(), 6);
  }

  @Test
  void twoCrashesAtOnceConverge() {
    play(Scenarios.twoCrashesAtOnce(), 7);
  }

  @Test
  void theRoomCarriesOnAfterACrashForGood() {
    play(Scenarios.crashForGood(), 8);
  }

  @Test
  void aThreeWayPartitionHeals() {
    play(Scenarios.threeWayPartition(), 9);
  }

  @Test
  void aPeerCutOffCatchesUpOnTheHeal() {
    CheckReport r = play(Scenarios.minorityCutOff(), 10);
    assertThat(r.incomplete()).isZero();
  }

  @Test
  void theRoomOutlivesItsTrackerAndARestartFindsItByCache() {
    play(Scenarios.trackerGoneMidRun(), 11);
  }

  @Test
  void aRestartWhilePartitionedConverges() {
    play(Scenarios.restartWhilePartitioned(), 12);
  }

  @Test
  void twoDifferentPartitionsInARowHeal() {
    play(Scenarios.partitionedTwice(), 13);
  }

  @Test
  void threePeersChattingAgree() {
    CheckReport r = play(Scenarios.chatter(3, 6), 14);
    assertThat(r.incomplete()).isZero();
  }

  @Test
  void manyRoundsOfChatterAgree() {
    CheckReport r = play(Scenarios.chatter(8, 10), 15);
    assertThat(r.incomplete()).isZero();
  }
}
