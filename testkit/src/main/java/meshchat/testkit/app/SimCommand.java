package meshchat.testkit.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import meshchat.fixture.net.Delay;
import meshchat.fixture.net.LinkFaults;
import meshchat.peer.display.Json;
import meshchat.testkit.SimConfig;
import meshchat.testkit.report.HtmlReport;
import meshchat.testkit.sim.Progress;
import meshchat.testkit.sim.SimPlan;
import meshchat.testkit.sim.SimRun;
import meshchat.testkit.sim.Specs;
import meshchat.testkit.sim.Summary;
import meshchat.tracker.Version;
import meshchat.tracker.directory.Directory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshchat sim}: a seeded run of many real rooms over a simulated, faulty network. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Runs N real rooms in virtual time over a simulated network with faults, checks every"
          + " invariant and prints a summary. The same seed gives the same output, byte for byte.",
      "Exit status: 0 all invariants held, 1 an invariant failed, 2 bad flags."
    })
public final class SimCommand implements Callable<Integer> {
  private static final long PROGRESS_EVERY_MS = 2_000;

  @Spec CommandSpec spec;

  @Option(names = "--peers", description = "number of peers (default ${DEFAULT-VALUE})")
  int peers = 10;

  @Option(names = "--messages", description = "messages each peer sends (default ${DEFAULT-VALUE})")
  int messages = 10;

  @Option(names = "--seed", description = "the run's seed (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--loss", description = "probability a link message is lost (default 0)")
  double loss;

  @Option(names = "--dup", description = "probability a link message arrives twice (default 0)")
  double dup;

  @Option(names = "--reorder", description = "probability a message overtakes FIFO (default 0)")
  double reorder;

  @Option(names = "--delay", description = "base one-way link delay, ms (default ${DEFAULT-VALUE})")
  long delay = 10;

  @Option(
      names = "--jitter",
      description = "extra uniform delay 0..J ms (default ${DEFAULT-VALUE})")
  long jitter = 20;

  @Option(names = "--skew", description = "max wall-clock skew per peer, ms (default 0)")
  long skew;

  @Option(
      names = "--window",
      description = "sends are spread over this many virtual ms (default ${DEFAULT-VALUE})")
  long window = 10_000;

  @Option(
      names = "--partition",
      paramLabel = "SPEC",
      description = "GROUP|GROUP@FROM..TO, e.g. 0-9|10-19@5000..15000 (repeatable)")
  List<String> partitions = new ArrayList<>();

  @Option(
      names = "--crash",
      paramLabel = "SPEC",
      description = "PEER@FROM..TO[:wipe], e.g. 3@2000..8000:wipe (repeatable)")
  List<String> crashes = new ArrayList<>();

  @Option(
      names = "--crash-fraction",
      paramLabel = "F@AT",
      description =
          "crash this fraction of the peers at once at AT ms, never to restart, e.g. 0.3@8000"
              + " (HyParView's resilience experiment); reports what the tree delivered alone")
  String crashFraction;

  @Option(
      names = "--tracker-down",
      paramLabel = "FROM..TO",
      description = "the tracker is down in this window (repeatable)")
  List<String> trackerDown = new ArrayList<>();

  @Option(
      names = "--fanout",
      description =
          "tracker names at most this many members (default 32, as the real tracker; 0: all)")
  int fanout = Directory.MAX_NAMED;

  @Option(
      names = "--max-links",
      description = "the link cap: no peer holds more links (default: the core's, 32)")
  int maxLinks;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "run the peers on N threads (1.."
              + MAX_THREADS
              + "); the output is the same for any N (default: "
              + AUTO_THREADS
              + " from "
              + AUTO_THREADS_FROM_PEERS
              + " peers on a machine with that many cores, from "
              + AUTO_THREADS_FROM_PEERS_C1
              + " when the launcher runs the JVM on C1 alone, else 1)")
  Integer threads;

  /** The most threads {@code --threads} takes. */
  static final int MAX_THREADS = 64;

  /** Below this many peers a window's work is too small to split (measured: docs/simulation.md). */
  static final int AUTO_THREADS_FROM_PEERS = 500;

  static final int AUTO_THREADS = 2;

  /** The same on C1 alone (the launcher's {@code -Dmeshchat.jit=c1}). */
  static final int AUTO_THREADS_FROM_PEERS_C1 = 100;

  /** What the launcher sets to {@code c1} when it runs the JVM without C2. */
  static final String JIT_PROPERTY = "meshchat.jit";

  @Option(
      names = "--glomers",
      description = "Maelstrom broadcast preset: 25 peers, 100 ms links, 100 msg/s for 20 s")
  boolean glomers;

  @Option(names = "--report", paramLabel = "FILE.html", description = "write an HTML report")
  Path report;

  @Option(names = "--json", description = "print the summary as one JSON object")
  boolean json;

  @Option(
      names = "--memory",
      description =
          "also report the heap the run holds (after a GC), per peer and per link end, in the"
              + " summary; it varies between runs, so it is off by default")
  boolean memory;

  @Option(
      names = "--memory-parts",
      description =
          "with --memory: also charge one live peer's own state to its parts (field paths three"
              + " deep, estimated bytes), as memory.parts")
  boolean memoryParts;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress line on stderr (shown only when stderr is a terminal)")
  boolean quiet;

  /** The progress line's period in ms of wall time: the pty test cannot wait seconds. */
  @Option(names = "--progress-every", hidden = true)
  long progressEveryMs;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SimPlan plan;
    try {
      plan = plan();
    } catch (IllegalArgumentException e) {
      err.println("meshchat sim: " + e.getMessage());
      return 2;
    }
    String unwritable = report == null ? null : cannotWrite(report);
    if (unwritable != null) { // checked before a run that may take minutes, not after it
      err.println("meshchat sim: cannot write the report to " + report + ": " + unwritable);
      return 2;
    }
    if (memoryParts && !memory) {
      err.println("meshchat sim: --memory-parts needs --memory");
      return 2;
    }
    long baseline = memory ? HeapUse.liveBytes() : 0;
    HeapUse.Peak peak = memory ? HeapUse.Peak.watch() : null;
    long t0 = System.nanoTime();
    SimRun.Result r = SimRun.run(plan, progress(plan, err));
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    Map<String, Object> model = Summary.model(r, replay());
    if (memory) {
      peak.close(); // before the full collections below, which would only lower it
      Map<String, Object> heap = HeapUse.of(r, HeapUse.liveBytes() - baseline);
      heap.put("peakAfterGcBytes", peak.bytes());
      heap.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      Map<String, Object> parts = memoryParts ? HeapUse.parts(r) : null;
      if (parts != null) {
        heap.put("parts", parts);
      }
      model.put("memory", heap);
    }
    out.print(json ? Json.write(model) + "\n" : Summary.text(model));
    out.flush();
    if (report != null) {
      try {
        HtmlReport.write(report, r, model);
        err.println("report written to " + report);
      } catch (UncheckedIOException e) {
        err.println("meshchat sim: " + e.getMessage() + ": " + why(e.getCause()));
        err.flush();
        return 1;
      }
    }
    // Wall time is the one thing that differs between identical runs: it stays off stdout.
    err.println("wall time " + wallMs + " ms");
    err.flush();
    return Boolean.TRUE.equals(model.get("ok")) ? 0 : 1;
  }

  /** Why {@code file} cannot be written, or null if it can (it is created empty if missing). */
  static String cannotWrite(Path file) {
    if (Files.isDirectory(file)) {
      return "it is a directory";
    }
    try {
      FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
      return null;
    } catch (IOException e) {
      return why(e);
    }
  }

  private static String why(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private Progress progress(SimPlan plan, PrintWriter err) {
    if (quiet || !Progress.stderrIsTerminal()) {
      return Progress.NONE;
    }
    long every = progressEveryMs > 0 ? progressEveryMs : PROGRESS_EVERY_MS;
    return new Progress(err, System::nanoTime, every, SimRun.expectedDeliveries(plan));
  }

  SimPlan plan() {
    if (peers < 1 || peers > 100_000) {
      throw new IllegalArgumentException("--peers must be 1..100000: " + peers);
    }
    if (messages < 0
        || delay < 0
        || jitter < 0
        || skew < 0
        || window < 1
        || fanout < 0
        || maxLinks < 0) {
      throw new IllegalArgumentException(
          "--messages, --delay, --jitter, --skew, --fanout and --max-links must be >= 0,"
              + " --window >= 1");
    }
    if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
      throw new IllegalArgumentException("--threads must be 1.." + MAX_THREADS + ": " + threads);
    }
    int n = glomers ? 25 : peers;
    int runThreads = threads != null ? threads : autoThreads(n);
    LinkFaults faults =
        LinkFaults.calm()
            .withDelay(new Delay(delay, jitter))
            .withLoss(loss)
            .withDuplicate(dup)
            .withReorder(reorder);
    SimConfig config =
        SimConfig.defaults(seed)
            .with(
                d -> {
                  d.faults = faults;
                  d.maxSkewMs = skew;
                  d.trackerFanout = fanout;
                  d.threads = runThreads;
                  if (maxLinks > 0) {
                    d.membership = d.membership.with(m -> m.maxLinks = maxLinks);
                  }
                });
    List<Specs.PartitionSpec> ps = new ArrayList<>();
    partitions.forEach(s -> ps.add(Specs.partition(s, n)));
    List<Specs.CrashSpec> cs = new ArrayList<>();
    crashes.forEach(s -> cs.add(Specs.crash(s, n)));
    if (crashFraction != null) {
      cs.addAll(Specs.crashFraction(crashFraction, n, seed));
    }
    List<Specs.Window> td = new ArrayList<>();
    trackerDown.forEach(s -> td.add(Specs.window(s, "tracker-down", s)));
    SimPlan plan = new SimPlan(config, n, messages, 0, 2_000, window, ps, cs, td, 300_000);
    if (glomers) {
      SimPlan g = SimRun.glomers(plan);
      plan =
          new SimPlan(
              g.config(),
              25,
              0,
              g.ratePerSecond(),
              g.startMs(),
              g.windowMs(),
              ps,
              cs,
              td,
              g.quietLimitMs());
    }
    return plan;
  }

  /** {@code --threads}'s default for a run of {@code peers} peers on this machine. */
  static int autoThreads(int peers) {
    return autoThreads(
        peers,
        Runtime.getRuntime().availableProcessors(),
        "c1".equals(System.getProperty(JIT_PROPERTY)));
  }

  /**
   * {@code --threads}'s default for {@code peers} peers on {@code cores} cores, {@code c1} when the
   * JVM runs without C2 (the launcher's choice for a small run): then no compiler thread takes the
   * second core for most of the run, and two threads pay from {@value #AUTO_THREADS_FROM_PEERS_C1}
   * peers (docs/simulation.md, session 29).
   */
  static int autoThreads(int peers, int cores, boolean c1) {
    int from = c1 ? AUTO_THREADS_FROM_PEERS_C1 : AUTO_THREADS_FROM_PEERS;
    return peers >= from && cores >= AUTO_THREADS ? AUTO_THREADS : 1;
  }

  /** The command that replays this run exactly: every flag that differs from its default. */
  String replay() {
    List<String> a = new ArrayList<>(List.of("./meshchat", "sim"));
    if (glomers) {
      a.add("--glomers");
    } else {
      a.addAll(List.of("--peers", "" + peers, "--messages", "" + messages));
    }
    a.addAll(List.of("--seed", "" + seed));
    if (loss > 0) {
      a.addAll(List.of("--loss", fmt(loss)));
    }
    if (dup > 0) {
      a.addAll(List.of("--dup", fmt(dup)));
    }
    if (reorder > 0) {
      a.addAll(List.of("--reorder", fmt(reorder)));
    }
    if (!glomers && (delay != 10 || jitter != 20)) {
      a.addAll(List.of("--delay", "" + delay, "--jitter", "" + jitter));
    }
    if (skew > 0) {
      a.addAll(List.of("--skew", "" + skew));
    }
    if (window != 10_000) {
      a.addAll(List.of("--window", "" + window));
    }
    if (maxLinks > 0) {
      a.addAll(List.of("--max-links", "" + maxLinks));
    }
    if (fanout != Directory.MAX_NAMED) {
      a.addAll(List.of("--fanout", "" + fanout));
    }
    partitions.forEach(p -> a.addAll(List.of("--partition", "'" + p + "'")));
    crashes.forEach(c -> a.addAll(List.of("--crash", c)));
    if (crashFraction != null) {
      a.addAll(List.of("--crash-fraction", crashFraction));
    }
    trackerDown.forEach(t -> a.addAll(List.of("--tracker-down", t)));
    return String.join(" ", a);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%s", d);
  }
}
