package meshchat.testkit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.testkit.bench.ChatBench;
import meshchat.testkit.bench.CompareBench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of heap, a command line ends with one line and a non-zero exit, never the JVM's stack trace
 * (session 30). Before, {@code bench chat --workload throughput --n 5 --msgs 600000 --store memory}
 * at the 4 GB heap {@code bench compare} gives it ran for minutes, filled the heap (five peers each
 * holding 3,300,000 messages) and died with the JVM's raw error. Each case is a real child JVM.
 */
class OutOfMemoryCliTest {
  record Run(int code, String out, String err) {}

  @Test
  void aChatBenchTooBigForTheHeapIsRefusedInOneLineBeforeAnyPeerStarts(@TempDir Path dir)
      throws Exception {
    String[] bench = {
      "--workload",
      "throughput",
      "--n",
      "5",
      "--msgs",
      "600000",
      "--size",
      "100",
      "--store",
      "memory"
    };
    List<String> cli = new ArrayList<>(List.of("bench", "chat"));
    cli.addAll(List.of(bench));
    // the launcher's way (TestkitMain) and bench compare's (ChatBench's own main), at its 4 GB heap
    for (Run r :
        List.of(
            java(dir, "-Xmx4g", TestkitMain.class, cli.toArray(String[]::new)),
            java(dir, "-Xmx4g", ChatBench.class, bench))) {
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err())
          .startsWith("meshchat bench chat: this run would hold about")
          .contains("of a 4.0 GiB heap", "--msgs", "JAVA_OPTS=-Xmx")
          .doesNotContain("Exception", "Error", "\tat ");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void theSideBySideRefusesACellTooBigForItsHeapBeforeRunningAnything(@TempDir Path dir)
      throws Exception {
    Path jar = Files.writeString(dir.resolve("jgroups-bench.jar"), "never run");
    CliRun r =
        CliRun.run(
            "bench",
            "compare",
            "--jgroups",
            jar.toString(),
            "--cells",
            "throughput:memory",
            "--msgs",
            "600000",
            "--heap",
            "4g");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).contains("of a 4.0 GiB heap", "--heap 5g").doesNotContain("\tat ");
    CliRun bad = CliRun.run("bench", "compare", "--jgroups", jar.toString(), "--heap", "lots");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--heap: a heap size such as 4g");
    assertThat(CompareBench.heapBytes("4g")).isEqualTo(4L << 30);
    assertThat(CompareBench.heapBytes("512M")).isEqualTo(512L << 20);
  }

  @Test
  void theRunsTheBenchmarksDocumentStillFitTheirHeap() {
    // docs/benchmarks.md's throughput cell (5 x 100,000, memory) and the latency cells, at 4 GB
    for (String[] ok :
        new String[][] {
          {"--workload", "throughput", "--n", "5", "--msgs", "100000", "--store", "memory"},
          {"--workload", "throughput", "--n", "5", "--msgs", "600000", "--store", "sqlite"},
          {"--workload", "latency", "--rate", "1000", "--duration", "10", "--warmup", "30"},
        }) {
      assertThat(ChatBench.heapNeededFor(ok))
          .as(String.join(" ", ok))
          .isLessThan((long) (0.85 * (4L << 30)));
    }
  }

  @Test
  void flagsAtTheirLargestSaturateTheEstimateInsteadOfWrappingToRoom() {
    String max = String.valueOf(Integer.MAX_VALUE);
    for (String[] huge :
        new String[][] {
          {"--workload", "throughput", "--n", max, "--msgs", max, "--store", "memory"},
          {"--workload", "throughput", "--n", max, "--msgs", max, "--size", max},
          {"--workload", "throughput", "--n", "5", "--msgs", max, "--store", "sqlite"},
        }) {
      assertThat(ChatBench.heapNeededFor(huge)).as(String.join(" ", huge)).isGreaterThan(64L << 30);
    }
  }

  @Test
  void anOutOfMemoryErrorOnTheMainThreadEndsTheCommandInOneLine(@TempDir Path dir)
      throws Exception {
    // a simulation of 20,000 peers holds far more than 64 MB: it runs out on its own threads
    Run r = java(dir, "-Xmx64m", TestkitMain.class, "sim", "--peers", "20000", "--messages", "1");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err())
        .startsWith("meshchat sim: out of memory: this JVM's heap of 64 MiB is full")
        .contains("JAVA_OPTS=-Xmx128m")
        .doesNotContain("Exception", "\tat ");
  }

  @Test
  void anOutOfMemoryErrorThatAnEventLoopCatchesAndLogsEndsTheProcessInOneLine(@TempDir Path dir)
      throws Exception {
    // Netty's loops (the room thread's among them) catch what a task throws and log it: through
    // logback (the tracker, the testkit) and through the chat peer's own logger alike
    Path log = dir.resolve("peer.log");
    for (Run r :
        List.of(
            java(dir, "-Xmx64m", OutOfHeapInALoop.class),
            java(dir, "-Xmx64m", OutOfHeapInALoop.class, "chat", log.toString()))) {
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err())
          .startsWith("meshchat test: out of memory")
          .doesNotContain("Exception", "\tat ");
      assertThat(r.out()).doesNotContain("the loop went on", "survived");
    }
  }

  /**
   * {@code java XMX -cp <test class path> MAIN ARGS} with the testkit jar's own log configuration
   * (not the tests'), stdin closed, stderr to a file (a stack trace could fill a pipe).
   */
  private static Run java(Path dir, String xmx, Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(xmx);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dlogback.configurationFile=logback.xml");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child did not end within 120 s: " + Files.readString(err));
    }
    return new Run(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
  }
}
