package meshchat.testkit.bench;

import static meshchat.testkit.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import meshchat.testkit.app.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshchat bench}: lists the benchmarks, one-line errors with exit 2, a tiny real run. */
class BenchCommandTest {
  @Test
  void helpListsEveryBenchmark() {
    CliRun r = run("bench", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("chat", "tracker", "catchup", "idle", "sqlite", "compare");
  }

  @Test
  void theSideBySideTakesMediansOfOddAndEvenCounts() {
    assertThat(CompareBench.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(CompareBench.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(CompareBench.median(List.of())).isNaN();
  }

  @Test
  void eachBenchmarkHasItsOwnHelp() {
    CliRun r = run("bench", "chat", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--workload throughput|latency", "--store");
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    for (String[] args :
        new String[][] {
          {"bench"},
          {"bench", "nosuch"},
          {"bench", "--bogus"},
          {"bench", "chat", "--workload", "sideways"},
          {"bench", "chat", "--n"},
          {"bench", "chat", "--n", "many"},
          {"bench", "chat", "--n", "0"},
          {"bench", "chat", "--frobnicate", "1"},
          {"bench", "chat", "--warmup-msgs", "-1"},
          {"bench", "tracker", "--clients"},
          {"bench", "tracker", "--clients", "-3"},
          {"bench", "catchup", "--messages"},
          {"bench", "idle", "--peers", "ten"},
          {"bench", "sqlite", "--nosuch", "1"},
          {"bench", "sqlite", "--mix-rows", "2501"},
          {"bench", "compare", "--jgroups", "/no/such/jgroups-bench.jar"},
          {"bench", "compare", "--runs", "0"},
          {"bench", "compare", "--n", "1"},
          {"bench", "compare", "--warmup", "-1"},
          {"bench", "compare", "--warmup", "1e300"},
          {"bench", "compare", "--hog", "-1"},
          {"bench", "compare", "--hog", "one"},
          {"bench", "compare", "--hog", "2147483647"},
          {"bench", "chat", "--warmup", "Infinity"},
          {"bench", "chat", "--duration", "86401"},
          {"bench", "chat", "--workload", "latency", "--breakdown", "/no/such/dir/b.csv"},
          {"bench", "chat", "--workload", "throughput", "--breakdown", "b.csv"},
        }) {
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
      assertThat(r.err()).startsWith("meshchat").doesNotContain("Exception", "\tat ");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void theSideBySideNeedsAJgroupsJarAndSaysSoInOneLine(@TempDir Path dir) {
    CliRun none = run("bench", "compare", "--runs", "1");
    CliRun notAFile = run("bench", "compare", "--jgroups", dir.toString());
    for (CliRun r : List.of(none, notAFile)) {
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err()).doesNotContain("Exception", "\tat ");
      assertThat(r.out()).isEmpty();
    }
    assertThat(none.err()).startsWith("meshchat bench compare: --jgroups JAR is required");
    assertThat(notAFile.err())
        .startsWith("meshchat bench compare: --jgroups: no readable jar at " + dir);
  }

  @Test
  void aSmallThroughputRunWarmsUpFirstAndCountsOnlyTheMeasuredBurst() {
    CliRun r =
        run(
            "bench",
            "chat",
            "--workload",
            "throughput",
            "--n",
            "3",
            "--msgs",
            "300",
            "--warmup-msgs",
            "40",
            "--store",
            "memory");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines()).hasSize(1);
    assertThat(r.out())
        .contains("\"workload\":\"throughput\"", "\"msgs\":300", "\"warmup_msgs_per_member\":40")
        .contains("\"complete\":true", "\"duplicates\":0")
        .containsPattern("\"cpu_s\":[0-9]+\\.[0-9]{3},\"cpu_us_per_delivery\":[0-9]+\\.[0-9]{2}")
        .containsPattern(
            "\"room_cpu_s\":[0-9]+\\.[0-9]{2},\"verify_cpu_s\":[0-9]+\\.[0-9]{2},"
                + "\"jit_cpu_s\":[0-9]+\\.[0-9]{2},\"gc_cpu_s\":[0-9]+\\.[0-9]{2}");
    // the measured burst's 900 messages each crossed 2 links with at least their 100-byte text
    var wire = java.util.regex.Pattern.compile("\"wire_bytes\":([0-9]+)").matcher(r.out());
    assertThat(wire.find()).isTrue();
    assertThat(Long.parseLong(wire.group(1))).isBetween(3L * 300 * 2 * 100, 3L * 300 * 2 * 1_000);
  }

  /** Three peers, 100 msgs/s for 1 s after 0.5 s of warm-up, memory stores; then {@code extra}. */
  private static CliRun smallLatencyRun(String... extra) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "bench",
                "chat",
                "--workload",
                "latency",
                "--n",
                "3",
                "--rate",
                "100",
                "--duration",
                "1",
                "--warmup",
                "0.5",
                "--store",
                "memory"));
    a.addAll(List.of(extra));
    return run(a.toArray(String[]::new));
  }

  @Test
  void aSmallLatencyRunPrintsOneJsonLine() {
    CliRun r = smallLatencyRun();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines()).hasSize(1);
    assertThat(r.out())
        .startsWith("{\"bench\":\"chat\"")
        .contains("\"workload\":\"latency\"", "\"n\":3", "\"duplicates\":0")
        .containsPattern("\"join_ms\":[0-9]+\\.[0-9]")
        .containsPattern("\"max_send_lag_us\":[0-9]+,\"max_send_lag_recorded_us\":[0-9]+,")
        .containsPattern("\"warmup_s\":0\\.5,")
        // how late the CPU snapshot was taken after the recorded stretch began (rev26, N2)
        .containsPattern(
            "\"cpu_s\":[0-9]+\\.[0-9]{2},\"cpu_snapshot_lag_us\":[0-9]+,\"room_cpu_s\"")
        // the collectors' pauses in the stretch, beside its CPU (session 38)
        .containsPattern("\"csw\":[0-9]+,\"gc_pauses\":[0-9]+,\"gc_pause_ms\":[0-9]+,")
        .containsPattern(
            "\"link_closes\":\\{[^}]*\\},\"link_closes_by_them\":\\{[^}]*\\},"
                + "\"limits\":\\{[^}]*\\},\"sync_requests\":[0-9]+")
        .containsPattern("\"received_twice\":[0-9]+,\"commit_s\":[0-9]+\\.[0-9]{3}")
        .containsPattern("\"commits_over_5ms\":[0-9]+}$");
    // what the wire cost: every delivery carried at least its 100-byte text, and the overhead is
    // what is left of the bytes per delivery after the text and nick
    var wire =
        java.util.regex.Pattern.compile(
                "\"wire_bytes\":([0-9]+),\"wire_b_per_delivery\":([0-9.]+),"
                    + "\"wire_overhead_b\":(-?[0-9.]+),")
            .matcher(r.out());
    assertThat(wire.find()).as(r.out()).isTrue();
    double perDelivery = Double.parseDouble(wire.group(2));
    assertThat(Long.parseLong(wire.group(1)))
        .isGreaterThan(150 * 2 * 100); // 150 sent, 2 peers each
    assertThat(perDelivery).isGreaterThan(100);
    assertThat(Double.parseDouble(wire.group(3))).isCloseTo(perDelivery - 102, within(0.11));
  }

  @Test
  void aLatencyRunsBreakdownHasALinePerRecordedDelivery(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("b.csv");
    CliRun r = smallLatencyRun("--breakdown", csv.toString());
    assertThat(r.code()).as(r.err()).isZero();
    var samples = java.util.regex.Pattern.compile("\"samples\":([0-9]+)").matcher(r.out());
    assertThat(samples.find()).as(r.out()).isTrue();
    List<String> lines = java.nio.file.Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("receiver,origin,seq,sent_us,latency_us,early,thread");
    assertThat(lines).hasSize(1 + Integer.parseInt(samples.group(1)));
    java.util.Set<String> shown = new java.util.HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      assertThat(f).as(line).hasSize(7);
      assertThat(Integer.parseInt(f[0])).as(line).isBetween(0, 2);
      assertThat(Integer.parseInt(f[1])).as(line).isBetween(0, 2);
      assertThat(Long.parseLong(f[4])).as(line).isNotNegative();
      assertThat(shown.add(f[0] + "/" + f[1] + "/" + f[2])).as("shown twice: " + line).isTrue();
    }
    // the 100 messages sent while recording (1 s at 100 msgs/s), each shown by all three peers,
    // their authors included; the warm-up's 50 are not recorded, wherever they are delivered
    assertThat(r.out()).contains("\"complete\":true", "\"samples\":300,");
    assertThat(lines).hasSize(301);
  }

  @Test
  void theSideBySideGivesBothBenchesTheSameLatencyWarmUp() {
    var latency = new CompareBench.Cell("latency", "memory", List.of("p99_us"));
    assertThat(CompareBench.oursFlags(latency, 5, 1, 1000, 10, 6))
        .containsSequence("--warmup", "6")
        .containsSequence("--rate", "1000", "--duration", "10");
    assertThat(CompareBench.theirFlags(latency, 5, 1, 1000, 10, 6))
        .containsSequence("--warmup-secs", "6")
        .containsSequence("--rate", "1000", "--duration", "10")
        .containsSequence("--mode", "fifo");
    assertThat(CompareBench.theirFlags(latency, 5, 1, 1000, 10, 2.5))
        .containsSequence("--warmup-secs", "2.5");
    var throughput = new CompareBench.Cell("throughput", "memory", List.of("join_ms"));
    assertThat(CompareBench.oursFlags(throughput, 5, 100, 1000, 10, 6))
        .doesNotContain("--warmup", "--warmup-secs");
    assertThat(CompareBench.theirFlags(throughput, 5, 100, 1000, 10, 6))
        .doesNotContain("--warmup", "--warmup-secs")
        .containsSequence("--mode", "total");
  }

  @Test
  void theHogIsACoreOfThisMachineOrNone() {
    assertThat(CompareBench.hogCpu(null, 2)).isEqualTo(-1);
    assertThat(CompareBench.hogCpu("0", 2)).isZero();
    assertThat(CompareBench.hogCpu("1", 2)).isEqualTo(1);
    for (String bad : List.of("2", "-1", "1.5", "", "9999999999")) {
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .as(bad)
          .isThrownBy(() -> CompareBench.hogCpu(bad, 2))
          .withMessageStartingWith("--hog must be");
    }
    assertThat(run("bench", "compare", "--help").out()).contains("--hog CPU");
  }

  @Test
  void theHogBusiesTheOneCoreItIsPinnedToUntilEnded() throws Exception {
    int cpu = Runtime.getRuntime().availableProcessors() - 1;
    Process hog = CompareBench.hog(cpu);
    try {
      Path status = Path.of("/proc", "" + hog.pid(), "status");
      // pinned: the kernel's own word for the cores it may run on
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(java.nio.file.Files.readAllLines(status))
                      .contains("Cpus_allowed_list:\t" + cpu));
      // busy: its CPU time grows (utime, the 14th field of /proc/PID/stat, in clock ticks)
      Path stat = Path.of("/proc", "" + hog.pid(), "stat");
      long first = utime(stat);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> utime(stat) > first + 10);
    } finally {
      hog.destroyForcibly();
    }
    assertThat(hog.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  private static long utime(Path stat) throws java.io.IOException {
    String s = java.nio.file.Files.readString(stat);
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]); // field 14 overall; fields after the command start at 3
  }

  @Test
  void theLatencyWarmUpIsJGroupsDefaultAloneAndPastTheJitInTheSideBySide() {
    assertThat(ChatBench.parse(new String[] {"--workload", "latency"}).warmup)
        .isEqualTo(ChatBench.LATENCY_WARMUP_S)
        .isEqualTo(2); // jgroups-bench's --warmup-secs default
    assertThat(ChatBench.COMPARE_WARMUP_S).isEqualTo(30);
    assertThat(run("bench", "chat", "--help").out()).contains("--warmup S (2, latency)");
    assertThat(run("bench", "compare", "--help").out()).contains("--warmup S (30: latency");
  }

  @Test
  void latencyHistogramTakesAnyValue() {
    var h = ChatBench.latencyHistogram();
    long anHour = 3_600_000_000_000L;
    h.recordValue(1);
    h.recordValue(anHour * 24);
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(anHour * 24 * 999 / 1000);
    assertThat(h.getValueAtPercentile(50)).isEqualTo(1);
  }

  @Test
  void aSmallSqliteRunPrintsOneJsonLine() {
    CliRun r =
        run(
            "bench",
            "sqlite",
            "--append",
            "50",
            "--batched",
            "500",
            "--batch",
            "100",
            "--own",
            "3",
            "--mix-rows",
            "20");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines()).hasSize(1);
    assertThat(r.out()).startsWith("{").endsWith("}\n");
    assertThat(r.out())
        .contains(
            "\"log_kb_per_row_1_per_commit\":",
            "\"log_kb_per_row_5_per_commit\":",
            "\"log_kb_per_row_inbox\":");
  }
}
