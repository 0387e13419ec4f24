package meshchat.testkit.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import meshchat.peer.runtime.PeerConfig;
import meshchat.testkit.bench.CatchUpBench;
import meshchat.testkit.bench.ChatBench;
import meshchat.testkit.bench.CompareBench;
import meshchat.testkit.bench.IdleOverheadBench;
import meshchat.testkit.bench.SqliteInsertBench;
import meshchat.testkit.bench.TrackerBench;
import meshchat.tracker.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshchat bench WHICH [flags]}: runs one real-socket benchmark and prints its JSON line.
 * Every benchmark is a class with {@code static String run(String[] args)} that parses its own
 * flags (throwing {@link IllegalArgumentException} on a bad one) and returns one JSON line.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Runs a real-socket benchmark and prints one JSON line.",
    footer = {
      "",
      "Benchmarks (meshchat bench WHICH --help for each one's flags):",
      "  chat      throughput or latency of N real peers over loopback",
      "            (the chat workload of jgroups-bench)",
      "  tracker   tracker requests/s from many concurrent clients",
      "  catchup   a new peer catches up N messages from one neighbor",
      "  idle      bytes per second per link of an idle full mesh",
      "  sqlite    SQLite insert rate of the history store, three ways; log bytes per row",
      "  compare   meshchat and jgroups-bench side by side: alternating runs,",
      "            medians of each and their ratios",
      "",
      "Exit status: 0 ran, 1 the benchmark failed, 2 bad flags."
    })
public final class BenchCommand implements Callable<Integer> {
  /** A benchmark: its name, what it does, its flags, and its entry point. */
  record Bench(String name, String flags, Runner runner) {}

  @FunctionalInterface
  interface Runner {
    String run(String[] args) throws Exception;
  }

  static final List<Bench> BENCHES =
      List.of(
          new Bench(
              "chat",
              "--workload throughput|latency  --n PEERS (5)  --msgs PER_PEER (20000, throughput)\n"
                  + "--warmup-msgs PER_PEER (msgs/10, throughput)\n"
                  + "--size BYTES (100)  --rate MSGS_PER_S (1000, latency)"
                  + "  --duration S (10, latency)\n"
                  + "--warmup S (2, latency)  --window UNACKED (2000)"
                  + "  --store sqlite|sqlite-nofsync|memory (sqlite)\n"
                  + "--room-threads T (2)  --breakdown FILE (latency: a CSV line per delivery)",
              ChatBench::run),
          new Bench(
              "tracker",
              "--clients N (100)  --seconds S (10)  --warmup-seconds S (3)  --depth IN_FLIGHT (16)",
              TrackerBench::run),
          new Bench(
              "catchup",
              // the defaults are a peer's own (the help said 1,024 after they became 2,048)
              String.format(
                  "--messages N (100000)  --text-bytes BYTES (100)  --pipeline N (%d)"
                      + "  --batch N (%d)  --first N (%d)",
                  PeerConfig.ROOM_DEFAULTS.syncPipeline(),
                  PeerConfig.ROOM_DEFAULTS.syncMaxMessages(),
                  PeerConfig.ROOM_DEFAULTS.syncFirstMessages()),
              CatchUpBench::run),
          new Bench(
              "idle",
              "--peers N (10)  --seconds S (30)  --settle-seconds S (8)",
              IdleOverheadBench::run),
          new Bench(
              "sqlite",
              "--append N (20000)  --batched N (200000)  --batch SIZE (512)  --own N (2000)\n"
                  + "--mix-rows N (1500: log bytes per row of a room's mix; at most 2500)",
              SqliteInsertBench::run),
          new Bench(
              "compare",
              "--jgroups JAR (required: jgroups-bench's jar)  --runs R (3)  --n PEERS (5)\n"
                  + "--cells WORKLOAD:STORE,... (latency:memory,latency:sqlite,throughput:memory)\n"
                  + "--msgs PER_PEER (100000)  --rate MSGS_PER_S (1000)  --duration S (10)\n"
                  + "--warmup S (30: latency, both benches)\n"
                  + "--heap SIZE (4g)  --raw FILE (append every run's JSON line)\n"
                  + "--hog CPU (none: each round also runs both beside a busy loop pinned to core"
                  + " CPU;\n  reports medians under it and each side's growth)",
              CompareBench::run));

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "WHICH [FLAGS]",
      description = "the benchmark, then its flags")
  List<String> words = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (words.isEmpty()) {
      err.println("meshchat bench: say which benchmark: " + names() + " (see --help)");
      return 2;
    }
    String which = words.get(0);
    Optional<Bench> bench = BENCHES.stream().filter(b -> b.name().equals(which)).findFirst();
    if (bench.isEmpty()) {
      err.println("meshchat bench: unknown benchmark '" + which + "'; one of " + names());
      return 2;
    }
    String[] args = words.subList(1, words.size()).toArray(String[]::new);
    String who = "meshchat bench " + which;
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.println("Usage: " + who + " [FLAGS]  (defaults in parentheses)");
      bench.get().flags().lines().forEach(l -> out.println("  " + l));
      return 0;
    }
    if (args.length % 2 != 0) {
      // every benchmark takes --flag value pairs; a dangling flag would otherwise be ignored
      err.println(who + ": missing value for " + args[args.length - 1]);
      return 2;
    }
    try {
      out.println(bench.get().runner().run(args));
      out.flush();
      return 0;
    } catch (NumberFormatException e) {
      err.println(who + ": not a number: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println(who + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println(who + ": failed: " + (e.getMessage() == null ? e : e.getMessage()));
      return 1;
    }
  }

  private static String names() {
    return String.join(", ", BENCHES.stream().map(Bench::name).toList());
  }
}
