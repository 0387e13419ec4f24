package meshchat.testkit.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A scenario: a name and a list of steps, built fluently and replayable on any {@link Cluster}.
 *
 * <pre>{@code
 * Scenario.named("partition heals")
 *     .start(6).runFor(2_000)
 *     .partition(group(0, 1, 2), group(3, 4, 5))
 *     .sendFromEach("during").runFor(3_000)
 *     .heal().runUntilQuiet(60_000);
 * }</pre>
 */
public final class Scenario {
  /** One step: what it does, and how it reads in a failure message. */
  public record Step(String describe, Consumer<Cluster> action) {
    @Override
    public String toString() {
      return describe;
    }
  }

  private final String name;
  private final List<Step> steps = new ArrayList<>();

  private Scenario(String name) {
    this.name = name;
  }

  public static Scenario named(String name) {
    return new Scenario(name);
  }

  public static Set<Integer> group(Integer... peers) {
    return new TreeSet<>(Arrays.asList(peers));
  }

  public String name() {
    return name;
  }

  public List<Step> steps() {
    return List.copyOf(steps);
  }

  private Scenario step(String describe, Consumer<Cluster> action) {
    steps.add(new Step(describe, action));
    return this;
  }

  public Scenario start(int n) {
    return step("start " + n, c -> c.start(n));
  }

  public Scenario send(int peer, String text) {
    return step("p" + peer + " sends '" + text + "'", c -> c.send(peer, text));
  }

  /** Every peer sends {@code prefix} plus its index; down peers skip. */
  public Scenario sendFromEach(String prefix) {
    return step(
        "each sends '" + prefix + "'",
        c -> {
          for (int i = 0; i < c.size(); i++) {
            c.send(i, prefix + " from p" + i);
          }
        });
  }

  @SafeVarargs
  public final Scenario partition(Set<Integer>... groups) {
    // copied element by element: handing the varargs array on is what -Xlint:varargs flags
    List<Set<Integer>> parts = new ArrayList<>();
    for (Set<Integer> group : groups) {
      parts.add(group);
    }
    List<Set<Integer>> g = List.copyOf(parts);
    return step("partition " + g, c -> c.partition(g));
  }

  public Scenario heal() {
    return step("heal", Cluster::heal);
  }

  public Scenario crash(int peer, boolean keepStore) {
    return step(
        "crash p" + peer + (keepStore ? " (keep store)" : " (wipe store)"),
        c -> c.crash(peer, keepStore));
  }

  public Scenario restart(int peer) {
    return step("restart p" + peer, c -> c.restart(peer));
  }

  public Scenario trackerDown() {
    return step("tracker down", Cluster::trackerDown);
  }

  public Scenario trackerUp() {
    return step("tracker up", Cluster::trackerUp);
  }

  public Scenario runFor(long ms) {
    return step("run " + ms + " ms", c -> c.runFor(ms));
  }

  /** Runs until quiet; a scenario that cannot get quiet in time fails here, naming itself. */
  public Scenario runUntilQuiet(long maxMs) {
    return step(
        "run until quiet (max " + maxMs + " ms)",
        c -> {
          if (!c.runUntilQuiet(maxMs)) {
            throw new AssertionError(name + ": not quiet within " + maxMs + " ms");
          }
        });
  }

  /** Plays every step on {@code cluster}, in order. */
  public void run(Cluster cluster) {
    for (Step s : steps) {
      s.action().accept(cluster);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
