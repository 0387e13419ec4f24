package meshchat.testkit.sim;

import static meshchat.testkit.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.testkit.SimCluster;
import meshchat.testkit.SimConfig;
import meshchat.testkit.app.CliRun;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.InvariantChecker;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;
import org.junit.jupiter.api.Test;

/**
 * A run is the same whatever the number of threads its windows run on ({@code Windows}): byte-
 * identical {@code --json} output for 1, 2 and 3 threads, over several seeds and every kind of
 * fault, in a full mesh and on partial views. A peer that touched another's state inside a window,
 * or a shared table whose contents depend on which thread got there first, shows here as a
 * difference in some seed's counts, latencies or convergence times.
 */
class ThreadCountTest {
  private static final String[][] RUNS = {
    {"--peers", "24", "--messages", "6", "--loss", "0.01", "--dup", "0.01", "--reorder", "0.01"},
    {
      "--peers",
      "30",
      "--messages",
      "4",
      "--loss",
      "0.005",
      "--partition",
      "0-14|15-29@2500..5000",
      "--crash",
      "3@2200..4500",
      "--crash",
      "20@3000..6000:wipe",
      "--tracker-down",
      "2100..3000"
    },
    {
      "--peers",
      "48",
      "--messages",
      "2",
      "--max-links",
      "8",
      "--fanout",
      "6",
      "--loss",
      "0.002",
      "--window",
      "3000",
      "--crash-fraction",
      "0.3@3500"
    },
    {"--peers", "12", "--messages", "8", "--delay", "1", "--jitter", "3", "--skew", "2000"},
  };

  @Test
  void everyRunIsByteIdenticalOnOneTwoAndThreeThreads() {
    for (long seed = 1; seed <= 5; seed++) {
      for (String[] flags : RUNS) {
        String one = json(seed, flags, 1);
        assertThat(one).as("seed %d %s", seed, String.join(" ", flags)).startsWith("{\"ok\":true");
        for (int threads : new int[] {2, 3}) {
          assertThat(json(seed, flags, threads))
              .as("seed %d, %d threads: %s", seed, threads, String.join(" ", flags))
              .isEqualTo(one);
        }
      }
    }
  }

  /** The scenario verbs, run between windows, are the same on any number of threads too. */
  @Test
  void aScenarioRunsTheSameOnTwoThreads() {
    List<String> histories = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      SimCluster c = new SimCluster(SimConfig.defaults(9).with(d -> d.threads = threads));
      c.start(10);
      c.runFor(1_500);
      for (int i = 0; i < 10; i++) {
        c.send(i, "hello " + i);
      }
      c.runFor(40);
      c.partition(List.of(java.util.Set.of(0, 1, 2, 3, 4)));
      c.crash(7, false);
      c.send(2, "during");
      c.runFor(1_000);
      c.heal();
      c.restart(7);
      c.trackerDown();
      c.send(8, "after");
      assertThat(c.runUntilQuiet(60_000)).isTrue();
      History h = c.history();
      assertThat(InvariantChecker.check(h).ok()).isTrue();
      StringBuilder b = new StringBuilder();
      b.append(c.now()).append(' ').append(c.executed()).append(' ');
      b.append(c.network().stats().sentByType()).append('\n').append(h.sent()).append('\n');
      for (PeerHistory p : h.peers()) {
        b.append(p.name()).append(p.alive()).append(p.finalStore().size()).append(':');
        for (Segment s : p.segments()) {
          b.append(s.startMs()).append(s.restored());
          for (Delivered d : s.deliveries()) {
            b.append(' ').append(d.timeMs()).append(d.id()).append(d.late()).append(d.catchUp());
          }
        }
        b.append('\n');
      }
      histories.add(b.toString());
    }
    assertThat(histories.get(1)).isEqualTo(histories.get(0));
  }

  private static String json(long seed, String[] flags, int threads) {
    List<String> args = new ArrayList<>(List.of("sim", "--seed", "" + seed));
    args.addAll(List.of(flags));
    args.addAll(List.of("--threads", "" + threads, "--json"));
    CliRun r = run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return r.out();
  }
}
