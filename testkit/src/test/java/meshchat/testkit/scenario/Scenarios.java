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
}
