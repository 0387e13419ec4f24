package meshchat.testkit.scenario;

import static meshchat.testkit.scenario.Scenario.group;

/**
 * The shared scenario suite: stories that must end with every invariant held on any {@link
 * Cluster}. The real-socket cluster runs these same stories.
 */
public final class Scenarios {
  private Scenarios() {}

  public static Scenario partitionHeals() {
    return Scenario.named("partition then heal")
        .start(6)
        .runFor(2_000)
        .sendFromEach("before")
        .runFor(1_000)
        .partition(group(0, 1, 2), group(3, 4, 5))
        .sendFromEach("during")
        .runFor(3_000)
        .sendFromEach("still split")
        .runFor(1_000)
        .heal()
        .runUntilQuiet(60_000)
        .sendFromEach("after")
        .runUntilQuiet(30_000);
  }

  public static Scenario crashRestart(boolean keepStore) {
    return Scenario.named("crash and restart, " + (keepStore ? "keeping" : "wiping") + " the store")
        .start(5)
        .runFor(2_000)
        .sendFromEach("before")
        .runFor(1_000)
        .crash(2, keepStore)
        .sendFromEach("while p2 is down")
        .runFor(3_000)
        .restart(2)
        .runUntilQuiet(60_000)
        .sendFromEach("after")
        .runUntilQuiet(30_000);
  }

  /** {@code n} peers each sending {@code rounds} messages, 150 ms apart. */
  public static Scenario chatter(int n, int rounds) {
    Scenario s = Scenario.named(n + " peers chatting").start(n).runFor(2_000);
    for (int k = 0; k < rounds; k++) {
      s.sendFromEach("round " + k).runFor(150);
    }
    return s.runUntilQuiet(120_000);
  }

  /** Two peers join after the room has talked: they catch up, then talk with everyone. */
  public static Scenario lateJoiners() {
    return Scenario.named("late joiners catch up")
        .start(4)
        .runFor(2_000)
        .sendFromEach("early")
        .runUntilQuiet(30_000)
        .start(2)
        .runUntilQuiet(30_000)
        .sendFromEach("all")
        .runUntilQuiet(30_000);
  }

  /** Two peers crash at once and come back with their stores. */
  public static Scenario twoCrashesAtOnce() {
    return Scenario.named("two crashes at once")
        .start(6)
        .runFor(2_000)
        .sendFromEach("before")
        .runFor(500)
        .crash(1, true)
        .crash(4, true)
        .sendFromEach("while two are down")
        .runFor(1_000)
        .restart(1)
        .restart(4)
        .runUntilQuiet(60_000)
        .sendFromEach("after")
        .runUntilQuiet(30_000);
  }

  /** A peer is gone for good with its data: the others carry on and agree. */
  public static Scenario crashForGood() {
    return Scenario.named("a crash for good")
        .start(5)
        .runFor(2_000)
        .sendFromEach("before")
        .runUntilQuiet(30_000)
        .crash(3, false)
        .sendFromEach("without p3")
        .runUntilQuiet(30_000);
  }

  /** Three sides at once, each talking, then one room again. */
  public static Scenario threeWayPartition() {
    return Scenario.named("three-way partition then heal")
        .start(6)
        .runFor(2_000)
        .partition(group(0, 1), group(2, 3), group(4, 5))
        .sendFromEach("apart")
        .runFor(1_000)
        .heal()
        .runUntilQuiet(60_000)
        .sendFromEach("together")
        .runUntilQuiet(30_000);
  }

  /** One peer cut off while the others talk a lot; it catches up on the heal. */
  public static Scenario minorityCutOff() {
    Scenario s =
        Scenario.named("one peer cut off while the rest talk")
            .start(5)
            .runFor(2_000)
            .partition(group(0), group(1, 2, 3, 4));
    for (int k = 0; k < 4; k++) {
      s.sendFromEach("round " + k).runFor(100);
    }
    return s.heal().runUntilQuiet(60_000);
  }

  /**
   * The tracker goes away mid-run: links stay, and a restarted peer finds the room by its cache.
   */
  public static Scenario trackerGoneMidRun() {
    return Scenario.named("tracker gone mid-run")
        .start(4)
        .runFor(2_000)
        .sendFromEach("with tracker")
        .runUntilQuiet(30_000)
        .trackerDown()
        .sendFromEach("without tracker")
        .crash(2, true)
        .runFor(500)
        .restart(2)
        .runUntilQuiet(60_000)
        .trackerUp()
        .sendFromEach("tracker back")
        .runUntilQuiet(30_000);
  }

  /** A peer restarts while the room is split, then the split heals. */
  public static Scenario restartWhilePartitioned() {
    return Scenario.named("restart while partitioned")
        .start(5)
        .runFor(2_000)
        .partition(group(0, 1), group(2, 3, 4))
        .sendFromEach("split")
        .crash(1, true)
        .runFor(500)
        .restart(1)
        .runFor(1_000)
        .heal()
        .runUntilQuiet(60_000)
        .sendFromEach("healed")
        .runUntilQuiet(30_000);
  }

  /**
   * A room past the full mesh ({@code n} > 32 peers): partial views, forward-joins and the
   * broadcast tree carry it.
   */
  public static Scenario bigRoom(int n) {
    return Scenario.named(n + " peers, partial views")
        .start(n)
        .runFor(5_000)
        .sendFromEach("hello")
        .runUntilQuiet(120_000)
        .sendFromEach("again")
        .runUntilQuiet(120_000);
  }

  /** A big room loses a third of its peers at once, for good, and keeps talking. */
  public static Scenario bigRoomLosesAThird(int n) {
    Scenario s = Scenario.named(n + " peers, a third crash at once").start(n).runFor(5_000);
    s.sendFromEach("before").runUntilQuiet(120_000);
    for (int i = 0; i < n; i += 3) {
      s.crash(i, false);
    }
    return s.sendFromEach("after").runUntilQuiet(120_000);
  }

  /** Split one way, heal, split another way, heal. */
  public static Scenario partitionedTwice() {
    return Scenario.named("two different partitions in a row")
        .start(4)
        .runFor(2_000)
        .partition(group(0, 1), group(2, 3))
        .sendFromEach("first split")
        .runFor(500)
        .heal()
        .runUntilQuiet(60_000)
        .partition(group(0, 2), group(1, 3))
        .sendFromEach("second split")
        .runFor(500)
        .heal()
        .runUntilQuiet(60_000);
  }
}
