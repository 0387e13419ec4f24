package meshchat.testkit.sim;

import static meshchat.testkit.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import meshchat.testkit.SimConfig;
import meshchat.testkit.app.CliRun;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sim} command line: determinism, exit codes, one-line errors. */
class SimCommandTest {
  @Test
  void theSameSeedGivesByteIdenticalOutputAndAnotherSeedDoesNot() {
    String[] args = {
      "sim", "--peers", "8", "--messages", "5", "--seed", "7", "--loss", "0.05", "--json"
    };
    CliRun a = run(args);
    CliRun b = run(args);
    assertThat(a.code()).as(a.out() + a.err()).isZero();
    assertThat(a.out()).isEqualTo(b.out());
    assertThat(a.out()).startsWith("{\"ok\":true").contains("\"no-fork\":\"held\"");
    args[6] = "8";
    assertThat(run(args).out()).isNotEqualTo(a.out());
  }

  /**
   * A crash of a fraction of the peers reports the tree's share of the next second's deliveries and
   * the (message, live peer) pairs anti-entropy brought instead, counted, not rounded.
   */
  @Test
  void aMassCrashReportsTheTreesShareAndItsMisses() {
    CliRun r =
        run(
            "sim",
            "--peers",
            "40",
            "--messages",
            "3",
            "--seed",
            "3",
            "--window",
            "3000",
            "--crash-fraction",
            "0.3@3000",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    Matcher share = Pattern.compile("\"treeShareAfterCrash\":([0-9.]+)").matcher(r.out());
    Matcher pairs = Pattern.compile("\"treePairsAfterCrash\":(\\d+)").matcher(r.out());
    Matcher misses = Pattern.compile("\"treeMissesAfterCrash\":(-?\\d+)").matcher(r.out());
    assertThat(share.find()).as(r.out()).isTrue();
    assertThat(misses.find()).as(r.out()).isTrue();
    assertThat(pairs.find()).as(r.out()).isTrue();
    double s = Double.parseDouble(share.group(1));
    long m = Long.parseLong(misses.group(1));
    long p = Long.parseLong(pairs.group(1));
    assertThat(p).isPositive();
    assertThat(s).isCloseTo(1.0 - (double) m / p, Offset.offset(0.005));
    assertThat(s).isBetween(0.0, 1.0);
    assertThat(m).isNotNegative();
    if (m == 0) {
      assertThat(s).isEqualTo(1.0);
    }
  }

  @Test
  void theTextSummaryNamesEveryInvariantAndTheFigures() {
    CliRun r =
        run(
            "sim",
            "--peers",
            "6",
            "--messages",
            "4",
            "--partition",
            "0-2|3-5@3000..6000",
            "--crash",
            "1@2500..5000:wipe",
            "--tracker-down",
            "2000..4000",
            "--skew",
            "60000");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("convergence  held", "causality    held", "no-fork      held")
        .contains("per chat message", "p50", "p99", "ms after the last fault");
    assertThat(r.err()).contains("wall time");
  }

  @Test
  void anUnwritableReportPathIsRefusedBeforeTheRun(@TempDir Path dir) {
    for (String[] c :
        new String[][] {
          {dir.toString(), "it is a directory"},
          {dir.resolve("missing/run.html").toString(), "no such directory"}
        }) {
      CliRun r = run("sim", "--peers", "4", "--messages", "2", "--report", c[0]);
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err().strip())
          .isEqualTo("meshchat sim: cannot write the report to " + c[0] + ": " + c[1]);
      assertThat(r.out()).as("no simulation ran").isEmpty();
    }
    Path ok = dir.resolve("run.html");
    CliRun r = run("sim", "--peers", "4", "--messages", "2", "--report", ok.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(ok).content().contains("<html");
  }

  @Test
  void badFlagsGiveOneLineAndExitTwo() {
    for (String[] args :
        new String[][] {
          {"sim", "--peers", "lots"},
          {"sim", "--bogus"},
          {"sim", "--partition", "0-3|2-5@1..9"},
          {"sim", "--crash", "99@1..2"},
          {"sim", "--crash", "1@5..2"},
          {"sim", "--loss", "1.5"},
          {"sim", "--threads", "0"},
          {"sim", "--threads", "-1"},
          {"sim", "--threads", "65"},
          {"sim", "--threads", "many"}
        }) {
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().strip())
          .as(String.join(" ", args))
          .doesNotContain("\n")
          .startsWith("meshchat sim: ");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void benchWithoutABenchmarkNamesThemAndExitsTwo() {
    CliRun r = run("bench");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("say which benchmark: chat, tracker");
  }

  @Test
  void aFailingRunPrintsItsSeedAndTheCommandToReplayIt() {
    // a time limit far too short to converge: the run is not quiet, so it fails
    SimPlan plan =
        new SimPlan(
            SimConfig.defaults(42),
            4,
            3,
            0,
            2_000,
            1_000,
            List.of(Specs.partition("0-1|2-3@2000..2900", 4)),
            List.of(),
            List.of(),
            1);
    SimRun.Result r = SimRun.run(plan);
    String text = Summary.text(Summary.model(r, "./meshchat sim --peers 4 --seed 42"));
    assertThat(text)
        .contains("seed 42")
        .contains("FAILED. Replay with: ./meshchat sim --peers 4 --seed 42");
  }
}
