package meshchat.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import meshchat.peer.app.PeerMain;
import meshchat.testkit.app.TestkitMain;
import meshchat.tracker.TrackerMain;
import meshchat.tracker.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of any well-made CLI expects: --version everywhere, completion, a linkable launcher.
 */
class CliConventionsTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  @Test
  void everyCommandPrintsTheBuildsVersion() throws Exception {
    String version = Version.number();
    assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*"); // filled in by the build, not a literal
    List<List<String>> cases =
        List.of(
            List.of(PeerMain.class.getName(), "--version"),
            List.of(PeerMain.class.getName(), "chat", "--version"),
            List.of(PeerMain.class.getName(), "history", "-V"),
            List.of(TrackerMain.class.getName(), "tracker", "--version"),
            List.of(TestkitMain.class.getName(), "sim", "--version"),
            List.of(TestkitMain.class.getName(), "bench", "--version"),
            List.of(TestkitMain.class.getName(), "completion", "--version"));
    for (List<String> c : cases) {
      Run r = java(c);
      assertThat(r.code()).as(c.toString()).isZero();
      assertThat(r.out()).as(c.toString()).startsWith("meshchat " + version + "\n");
    }
  }

  @Test
  void bashCompletionCompletesCommandsAndTheirFlags() throws Exception {
    Run r = java(List.of(TestkitMain.class.getName(), "completion", "bash"));
    assertThat(r.code()).isZero();
    Path script = tmp.resolve("meshchat.bash");
    Files.writeString(script, r.out());
    assertThat(complete(script, "meshchat", "")).contains("chat", "history", "tracker", "sim");
    assertThat(complete(script, "meshchat", "chat", "--li")).containsExactly("--linger");
    assertThat(complete(script, "meshchat", "sim", "--pe")).contains("--peers");
    // the same script, in zsh through bashcompinit, when zsh is here; bash is enough to pin it
    Run zsh = java(List.of(TestkitMain.class.getName(), "completion", "zsh"));
    assertThat(zsh.out()).isEqualTo(r.out()).contains("bashcompinit");
    Run bad = java(List.of(TestkitMain.class.getName(), "completion", "fish"));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip().lines()).hasSize(1);
  }

  /** Runs the completion function as bash would on TAB after {@code words}. */
  private static List<String> complete(Path script, String... words) throws Exception {
    StringBuilder w = new StringBuilder();
    for (String s : words) {
      w.append(" '").append(s).append('\'');
    }
    String cmd =
        "source '"
            + script
            + "'; COMP_WORDS=("
            + w
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
            + " _complete_meshchat; printf '%s\\n' \"${COMPREPLY[@]}\"";
    // stderr dropped: outside a real TAB, compopt complains that no completion is running
    Process p =
        new ProcessBuilder("bash", "-c", cmd)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  @Test
  void theLauncherWorksThroughASymlink() throws Exception {
    Path checkout = checkoutWithEchoJar();
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path link = bin.resolve("meshchat");
    Files.createSymbolicLink(link, bin.relativize(checkout.resolve("meshchat")));
    Path link2 = Files.createSymbolicLink(tmp.resolve("mc"), link); // a link to a link
    for (Path l : List.of(link, link2)) {
      assertThat(launch(l, null, "history", "--limit", "3")).isEqualTo("echo: history --limit 3\n");
    }
  }

  @Test
  void chatRunsOnTheSerialCollectorWithoutPerfDataUnlessJavaOptsChooses() throws Exception {
    Path launcher = checkoutWithEchoJar().resolve("meshchat");

    // an idle peer: no perf-data sampler and no G1 service thread waking it (benchmarks.md)
    // and C2 for SHA-256 alone: a burst's CPU is not spent compiling its own code (benchmarks.md,
    // sessions 15 and 31; aPeerHasC2ForSha256AloneAndItsStdoutStaysItsOwn);
    // C1 compiles a method that loops over a batch after 10 calls (benchmarks.md, session 16)
    assertThat(launch(launcher, "-Decho.jvm=true", "chat"))
        .contains(
            "gc: Copy, MarkSweepCompact",
            "UsePerfData=false",
            "-XX:CompilerDirectivesFile=",
            "/peer/jit/sha256-on-c2.json",
            // C1's profiled code mostly never made: the interpreter profiles from the start and
            // C2 refuses a method after 150 calls, before tier 3's 200 (sessions 31 and 34)
            "-XX:Tier0ProfilingStartPercentage=0",
            "-XX:Tier4InvocationThreshold=150",
            "-XX:Tier4CompileThreshold=1000",
            "Tier3MinInvocationThreshold=10",
            "meshchat.jit=null", // so the chain hash takes the JDK's SHA-256, which C2 compiles
            "MetaspaceSize=67108864", // no full collection for the first link's classes (19)
            "MaxNewSize=67108864"); // no page faults on a big heap's fresh young pages (21)
    // a collector the user chose wins, and the JVM does not refuse two; it sizes its own young
    // generation, and an -Xmn given beside ours wins
    assertThat(launch(launcher, "-Decho.jvm=true -XX:+UseG1GC", "chat"))
        .contains("gc: G1 Young Generation, G1 Old Generation", "UsePerfData=false")
        .doesNotContain("MaxNewSize=67108864");
    assertThat(launch(launcher, "-Decho.jvm=true -Xmn32m", "chat"))
        .contains("gc: Copy, MarkSweepCompact", "MaxNewSize=33554432");
  }

  @Test
  void aPeerHasC2ForSha256AloneAndItsStdoutStaysItsOwn() throws Exception {
    Path launcher = checkoutWithEchoJar().resolve("meshchat");

    // the checkout's real directives: C2 compiles the JDK's SHA-256 (the chain hash's) and no
    // other method; the JVM's note that it read them ("2 compiler directives added") is on
    // neither the chat's stdout nor the user's terminal (session 31 printed it on stderr at every
    // start)
    String[] outErr = launchOutErr(0, false, launcher, "-Decho.jit=true", "chat", "--json");
    assertThat(outErr[0])
        .isEqualTo("echo: chat --json\nsha256 on c2: true\nother methods on c2: 0\n");
    assertThat(outErr[1]).as("the peer's stderr").isEmpty();
  }

  @Test
  void withoutItsCompilerDirectivesAPeerRunsOnC1AloneWithBouncyCastlesSha256() throws Exception {
    Path checkout = checkoutWithEchoJar();
    Files.delete(checkout.resolve("peer/jit/sha256-on-c2.json"));

    assertThat(launch(checkout.resolve("meshchat"), "-Decho.jvm=true", "chat"))
        .contains("TieredStopAtLevel=1", "meshchat.jit=c1")
        .doesNotContain("CompilerDirectivesFile");
  }

  @Test
  void theCatchUpBenchRunsItsPeersAsTheLauncherRunsAPeerAndTheOtherBenchesAsTheyAre()
      throws Exception {
    Path launcher = checkoutWithEchoJar().resolve("meshchat");

    assertThat(launch(launcher, "-Decho.jvm=true", "bench", "catchup"))
        .contains(
            "echo: bench catchup",
            "gc: Copy, MarkSweepCompact",
            "-XX:CompilerDirectivesFile=",
            "Tier3MinInvocationThreshold=10",
            "-XX:Tier0ProfilingStartPercentage=0",
            "meshchat.jit=null",
            "MetaspaceSize=67108864",
            "MaxNewSize=67108864");
    // compared with JGroups under the flags given to both: the launcher adds none
    assertThat(launch(launcher, "-Decho.jvm=true", "bench", "chat"))
        .contains(
            "echo: bench chat",
            "UsePerfData=true",
            "TieredStopAtLevel=4",
            "Tier3MinInvocationThreshold=100",
            "meshchat.jit=null")
        .doesNotContain("MetaspaceSize=67108864", "MaxNewSize=67108864");
  }

  @Test
  void aSimulationRunsOnTheParallelCollectorUnlessJavaOptsChooses() throws Exception {
    Path launcher = checkoutWithEchoJar().resolve("meshchat");

    // one thread allocating for minutes: no G1 concurrent threads beside it (simulation.md, s16)
    assertThat(launch(launcher, "-Decho.jvm=true", "sim", "--peers", "3"))
        .contains("echo: sim --peers 3", "gc: PS MarkSweep, PS Scavenge");
    assertThat(launch(launcher, "-Decho.jvm=true -XX:+UseSerialGC", "sim"))
        .contains("gc: Copy, MarkSweepCompact");
  }

  @Test
  void aSmallSimulationRunsOnC1AloneAndABigOneKeepsC2() throws Exception {
    Path launcher = checkoutWithEchoJar().resolve("meshchat");
    String c1 = "TieredStopAtLevel=1";
    String c2 = "TieredStopAtLevel=4";
    // up to peers^2 x messages = 1,000,000 (the 100 x 100's deliveries), below 500 peers
    for (List<String> small :
        List.of(
            List.of("sim", "--peers", "100", "--messages", "100"), // 1,000,000
            List.of("sim", "--peers=316", "--messages=10"), // 998,560
            List.of("sim", "--peers", "3"), // 10 messages, the default
            List.of("sim"), // 10 peers, 10 messages
            List.of("sim", "--glomers"), // 25 peers, 80 messages each
            List.of("sim", "--peers", "100", "--messages", "0100"), // decimal, not octal
            List.of("sim", "--peers", "100", "--messages", "1e9"))) { // refused by the sim
      assertThat(launch(launcher, "-Decho.jvm=true", small.toArray(String[]::new)))
          .as("%s", small)
          .contains(c1, "meshchat.jit=c1");
    }
    for (List<String> big :
        List.of(
            List.of("sim", "--peers=101", "--messages=100"), // 1,020,100
            List.of("sim", "--peers", "200", "--messages", "50"),
            List.of("sim", "--peers", "500", "--messages", "0"), // 500 peers or more: C2
            List.of("sim", "--peers", "1000", "--messages", "5"),
            List.of("sim", "--peers", "100", "--messages", "100", "--messages", "101"),
            List.of("sim", "--peers", "100000", "--messages", "9999999999"))) { // no overflow
      assertThat(launch(launcher, "-Decho.jvm=true", big.toArray(String[]::new)))
          .as("%s", big)
          .contains(c2, "meshchat.jit=null");
    }
    // a compiler chosen in JAVA_OPTS wins
    assertThat(launch(launcher, "-Decho.jvm=true -XX:TieredStopAtLevel=4", "sim"))
        .contains(c2, "meshchat.jit=null");
    assertThat(launch(launcher, "-Decho.jvm=true -XX:-TieredCompilation", "sim"))
        .contains("meshchat.jit=null");
  }

  @Test
  void aSimulationOf1000PeersOrMoreGetsA1GbYoungGenerationAnd5000A7GbHeap() throws Exception {
    long box = 24L * 1024 * 1024; // this project's machines: 24 GiB, in kB
    Path launcher = checkoutWithEchoJar().resolve("meshchat");
    // the flags as the launcher gave them: the JVM's own sizing reaches the same values on some
    // machines (a 12 GB box's default young generation is 1 GB; a 28 GB box's heap 7 GB)
    String heap7g = "-Xmx7g";
    String young1g = "-Xmn1g";
    long gib = 1024 * 1024; // in kB, as /proc/meminfo counts

    // 10,000 x 1 holds 4.78 GB: 7 GB keeps the process under 8 (simulation.md, session 25)
    for (List<String> args :
        List.of(
            List.of("sim", "--peers", "10000", "--messages", "1"),
            List.of("sim", "--peers=5000"),
            List.of("sim", "--peers", "3", "--peers", "20000"), // the last one given counts
            List.of("sim", "--peers", "1234567"))) { // the simulation refuses it, not the shell
      assertThat(launchOn(box, launcher, "-Decho.jvm=true", args.toArray(String[]::new)))
          .as("%s", args)
          .contains(heap7g, young1g, "MaxHeapSize=" + (7L << 30), "MaxNewSize=" + (1L << 30));
    }
    // 1,000 x 5's run thread took 6-18 % less CPU with a fixed 1 GB young generation (session 25)
    for (List<String> args :
        List.of(
            List.of("sim", "--peers", "1000", "--messages", "5"),
            List.of("sim", "--peers=4999"),
            List.of("sim", "--peers", "20000", "--peers", "1000"))) {
      assertThat(launchOn(box, launcher, "-Decho.jvm=true", args.toArray(String[]::new)))
          .as("%s", args)
          .contains(young1g, "MaxNewSize=" + (1L << 30))
          .doesNotContain(heap7g);
    }
    // a smaller room, or a number the simulation will refuse, keeps the JVM's own sizing
    for (List<String> args :
        List.of(
            List.of("sim", "--peers", "999"),
            List.of("sim", "--peers", "20000", "--peers", "10"),
            List.of("sim", "--peers", "-1"),
            List.of("sim", "--peers", "1e9"),
            List.of("sim", "--messages", "10000"),
            List.of("sim", "--peers"))) {
      assertThat(launchOn(box, launcher, "-Decho.jvm=true", args.toArray(String[]::new)))
          .as("%s", args)
          .doesNotContain(heap7g, young1g);
    }
    // a heap chosen in JAVA_OPTS wins over both (a 1 GB young generation could not fit in it);
    // a young generation chosen there wins over ours
    assertThat(launchOn(box, launcher, "-Decho.jvm=true -Xmx2g", "sim", "--peers", "10000"))
        .contains("MaxHeapSize=" + (2L << 30))
        .doesNotContain(young1g);
    assertThat(launchOn(box, launcher, "-Decho.jvm=true -Xmx512m", "sim", "--peers", "1000"))
        .startsWith("echo: sim --peers 1000\n") // no JVM warning ahead of the run's output
        .doesNotContain(young1g);
    assertThat(launchOn(box, launcher, "-Decho.jvm=true -Xmn512m", "sim", "--peers", "10000"))
        .contains(heap7g, "MaxNewSize=" + (512L << 20));
    // an initial heap in JAVA_OPTS is a heap chosen there: a 7 GB maximum below -Xms8g would stop
    // the JVM (the launch asserts exit 0)
    assertThat(launchOn(box, launcher, "-Decho.jvm=true -Xms8g", "sim", "--peers", "10000"))
        .doesNotContain(heap7g, young1g);
    // a machine without room for them gets neither: under 8 GB the JVM's own heap may not hold a
    // 1 GB young generation (and it warns on stdout), under 9 GB a 7 GB heap would swap
    assertThat(launchOn(4 * gib, launcher, "-Decho.jvm=true", "sim", "--peers", "10000"))
        .doesNotContain(heap7g, young1g);
    assertThat(launchOn(8 * gib + gib / 2, launcher, "-Decho.jvm=true", "sim", "--peers", "10000"))
        .contains(young1g)
        .doesNotContain(heap7g);
    assertThat(launchOn(9 * gib, launcher, "-Decho.jvm=true", "sim", "--peers", "10000"))
        .contains(young1g, heap7g);
  }

  @Test
  void aSimulationMapsAClassArchiveOfItsOwnMadeByASimulationAndPrintsNothingOfIt()
      throws Exception {
    Path checkout = checkoutWithEchoJar();
    Path launcher = checkout.resolve("meshchat");
    Path target = checkout.resolve("testkit/target");

    // trained by a run of the jar's own sim command (here the echo jar's main), dumped beside the
    // jar under a name of its own: bench catchup's archive of the same jar is a peer's
    String out = launchOn(0, true, launcher, "-Decho.jvm=true", "sim", "--peers", "3");
    assertThat(out).startsWith("echo: sim --peers 3\n"); // nothing of the JVM's on the run's stdout
    List<Path> archives;
    try (var files = Files.list(target)) {
      archives = files.filter(f -> f.toString().endsWith(".jsa")).toList();
    }
    assertThat(archives).hasSize(1);
    String name = archives.get(0).getFileName().toString();
    assertThat(name).startsWith("meshchat-testkit-" + Version.number() + "-all-sim-");
    assertThat(out).contains("-XX:SharedArchiveFile=" + archives.get(0), "-Xlog:cds=off");
    // the archive is made before the run, and the run maps it
    assertThat(launchOn(0, true, launcher, "-Decho.jvm=true -Xshare:on", "sim"))
        .startsWith("echo: sim\n")
        .contains("-XX:SharedArchiveFile=" + archives.get(0));
    // MESHCHAT_CDS=0 turns it off
    assertThat(launchOn(0, false, launcher, "-Decho.jvm=true", "sim", "--peers", "3"))
        .startsWith("echo: sim --peers 3\n")
        .doesNotContain("SharedArchiveFile");
  }

  /**
   * A checkout whose peer and testkit jars are built and fresh: the launcher runs them as they are.
   */
  private Path checkoutWithEchoJar() throws IOException {
    Path checkout = tmp.resolve("checkout");
    Path launcher = Path.of("..", "meshchat").toAbsolutePath().normalize();
    Files.createDirectories(checkout);
    Files.copy(launcher, checkout.resolve("meshchat"));
    // the peer's compiler directives, as the checkout has them
    Path jit = Path.of("..", "peer", "jit", "sha256-on-c2.json").toAbsolutePath().normalize();
    Files.createDirectories(checkout.resolve("peer/jit"));
    Files.copy(jit, checkout.resolve("peer/jit/sha256-on-c2.json"));
    Files.setPosixFilePermissions(
        checkout.resolve("meshchat"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>");
    for (String m : List.of("proto", "core", "tracker", "peer", "testkit")) {
      Files.createDirectories(checkout.resolve(m).resolve("src/main"));
      Files.writeString(checkout.resolve(m).resolve("pom.xml"), "<project/>");
    }
    for (String m : List.of("peer", "testkit")) {
      Path jar =
          checkout.resolve(m + "/target/meshchat-" + m + "-" + Version.number() + "-all.jar");
      Files.createDirectories(jar.getParent());
      echoJar(jar);
      Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    }
    return checkout;
  }

  /** Runs the launcher with JAVA_OPTS (null: unset); asserts exit 0 and returns stdout. */
  private static String launch(Path launcher, String javaOpts, String... args) throws Exception {
    return launchOn(0, launcher, javaOpts, args);
  }

  /** As {@link #launch}, on a machine of {@code memKb} of RAM as the launcher sees it (0: this). */
  private static String launchOn(long memKb, Path launcher, String javaOpts, String... args)
      throws Exception {
    return launchOn(memKb, false, launcher, javaOpts, args);
  }

  /**
   * As {@link #launchOn(long, Path, String, String...)}, with the launcher's class-data archives
   * ({@code cds}) or without them: an echo jar is never older than the archive made from it (its
   * time is a minute ahead), so each launch would train and dump one again.
   */
  private static String launchOn(
      long memKb, boolean cds, Path launcher, String javaOpts, String... args) throws Exception {
    return launchOutErr(memKb, cds, launcher, javaOpts, args)[0];
  }

  /** As {@link #launchOn(long, boolean, Path, String, String...)}: its stdout and its stderr. */
  private static String[] launchOutErr(
      long memKb, boolean cds, Path launcher, String javaOpts, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("MESHCHAT_MEM_KB");
    pb.environment().put("MESHCHAT_CDS", cds ? "1" : "0");
    if (memKb > 0) {
      pb.environment().put("MESHCHAT_MEM_KB", Long.toString(memKb));
    }
    if (javaOpts != null) {
      pb.environment().put("JAVA_OPTS", javaOpts);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    return new String[] {out, err};
  }

  /** A runnable jar whose main prints its arguments (the class is {@link Echo}). */
  private static void echoJar(Path jar) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Echo.class.getName());
    String entry = Echo.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m);
        var in = Echo.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
  }

  private static Run java(List<String> mainAndArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(mainAndArgs);
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err);
  }
}
