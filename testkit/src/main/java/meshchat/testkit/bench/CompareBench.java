package meshchat.testkit.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * meshchat and JGroups side by side, in one sitting, as docs/benchmarks.md asks: for each cell,
 * {@code --runs} rounds of one meshchat run then one JGroups run, each a fresh JVM with the same
 * flags, alternating so that drift in the machine's load hits both alike; then the median of each
 * side and their ratio. Latency cells compare with JGroups' FIFO mode, throughput cells with its
 * SEQUENCER (total order) mode; every throughput run also reports {@code join_ms}.
 *
 * <p>Prints one JSON line of medians and ratios; each raw run's JSON line goes to stderr as it
 * ends, so a long sitting shows progress and leaves its raw data behind ({@code --raw FILE} keeps
 * them too).
 *
 * <p>{@code --hog CPU}: issue 12's loaded cell. Each round then runs four: meshchat, JGroups, and
 * each again beside a busy loop pinned to core {@code CPU} ({@code taskset -c CPU}, started before
 * the run's JVM and ended with it), so both sides meet the same hog in the same minutes. Each field
 * then also reports the medians under the hog ({@code meshchat_hog}, {@code jgroups_hog}), each
 * side's growth (hogged median over its own median without) and {@code growth_ratio}, meshchat's
 * growth over JGroups' (the target: at most 1 for {@code p99_us}).
 */
public final class CompareBench {
  private static final Pattern NUMBER = Pattern.compile("\"%s\":(-?[0-9.]+(?:E-?[0-9]+)?)");

  private CompareBench() {}

  /** One cell: a workload and meshchat's store; the fields compared. */
  record Cell(String workload, String store, List<String> fields) {
    String name() {
      return workload + "-" + store;
    }
  }

  public static String run(String[] args) throws Exception {
    BenchFlags f =
        BenchFlags.parse(
            args,
            "--jgroups",
            "--runs",
            "--n",
            "--msgs",
            "--rate",
            "--duration",
            "--warmup",
            "--heap",
            "--raw",
            "--cells",
            "--hog");
    int runs = f.positive("--runs", 3);
    int n = f.integer("--n", 5, 2);
    long msgs = f.positive("--msgs", 100_000);
    int rate = f.positive("--rate", 1_000);
    int duration = f.positive("--duration", 10);
    // the latency cells' unrecorded seconds at the rate, the same for both benches
    double warmup = f.number("--warmup", ChatBench.COMPARE_WARMUP_S, 0);
    String heap = f.text("--heap", "4g");
    int hog = hogCpu(f.text("--hog", null), Runtime.getRuntime().availableProcessors());
    String rawFlag = f.text("--raw", null);
    Path raw = rawFlag == null ? null : Path.of(rawFlag);
    List<Cell> cells = new ArrayList<>();
    for (String c :
        f.text("--cells", "latency:memory,latency:sqlite,throughput:memory").split(",")) {
      String[] p = c.split(":");
      if (p.length != 2 || !List.of("latency", "throughput").contains(p[0])) {
        throw new IllegalArgumentException("--cells: WORKLOAD:STORE, got " + c);
      }
      cells.add(
          new Cell(
              p[0],
              p[1],
              p[0].equals("latency")
                  ? List.of("p50_us", "p99_us", "max_us", "remote_p50_us", "local_p50_us")
                  : List.of("msgs_per_s_per_member", "join_ms")));
    }
    String jgroups = f.text("--jgroups", null);
    if (jgroups == null) {
      throw new IllegalArgumentException(
          "--jgroups JAR is required: the JGroups chat benchmark's jar (docs/benchmarks.md)");
    }
    Path jar = Path.of(jgroups);
    if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
      throw new IllegalArgumentException(
          "--jgroups: no readable jar at "
              + jar
              + " (build the JGroups chat benchmark and pass its jar; docs/benchmarks.md says how)");
    }
    // each cell's run refused here if it would not fit in the heap its JVM gets, not minutes into
    // the first run by that JVM's out-of-memory error
    long heapBytes = heapBytes(heap);
    for (Cell cell : cells) {
      ChatBench.checkHeap(
          ChatBench.parse(oursFlags(cell, n, msgs, rate, duration, warmup).toArray(String[]::new)),
          heapBytes,
          "--heap ");
    }
    List<String> jvm = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC");
    StringBuilder out = new StringBuilder("{\"runs\":").append(runs).append(",\"n\":").append(n);
    out.append(",\"latency_warmup_s\":").append(seconds(warmup));
    if (hog >= 0) {
      out.append(",\"hog_cpu\":").append(hog);
    }
    out.append(",\"cells\":[");
    for (int c = 0; c < cells.size(); c++) {
      Cell cell = cells.get(c);
      List<String> ours = new ArrayList<>(jvm);
      ours.addAll(List.of("-cp", System.getProperty("java.class.path")));
      ours.add(ChatBench.class.getName());
      ours.addAll(oursFlags(cell, n, msgs, rate, duration, warmup));
      List<String> theirs = new ArrayList<>(jvm);
      theirs.addAll(List.of("-jar", jar.toString()));
      theirs.addAll(theirFlags(cell, n, msgs, rate, duration, warmup));
      Map<String, List<Double>> mine = new LinkedHashMap<>();
      Map<String, List<Double>> jg = new LinkedHashMap<>();
      Map<String, List<Double>> mineHog = new LinkedHashMap<>();
      Map<String, List<Double>> jgHog = new LinkedHashMap<>();
      for (int r = 0; r < runs; r++) {
        collect(cell.fields(), java(ours, raw, "meshchat " + cell.name(), -1), mine);
        collect(cell.fields(), java(theirs, raw, "jgroups " + cell.name(), -1), jg);
        if (hog >= 0) {
          collect(cell.fields(), java(ours, raw, "meshchat " + cell.name() + " hog", hog), mineHog);
          collect(cell.fields(), java(theirs, raw, "jgroups " + cell.name() + " hog", hog), jgHog);
        }
      }
      out.append(c == 0 ? "" : ",").append("{\"cell\":\"").append(cell.name()).append('"');
      for (String field : cell.fields()) {
        double a = median(mine.get(field));
        double b = median(jg.get(field));
        out.append(",\"")
            .append(field)
            .append("\":{\"meshchat\":")
            .append(number(a, 1))
            .append(",\"jgroups\":")
            .append(number(b, 1))
            .append(",\"ratio\":")
            .append(number(a / b, 3))
            .append(",\"meshchat_runs\":")
            .append(mine.get(field).toString().replace("NaN", "null"))
            .append(",\"jgroups_runs\":")
            .append(jg.get(field).toString().replace("NaN", "null"));
        if (hog >= 0) {
          double ah = median(mineHog.get(field));
          double bh = median(jgHog.get(field));
          out.append(",\"meshchat_hog\":")
              .append(number(ah, 1))
              .append(",\"jgroups_hog\":")
              .append(number(bh, 1))
              .append(",\"meshchat_growth\":")
              .append(number(ah / a, 3))
              .append(",\"jgroups_growth\":")
              .append(number(bh / b, 3))
              .append(",\"growth_ratio\":")
              .append(number((ah / a) / (bh / b), 3))
              .append(",\"meshchat_hog_runs\":")
              .append(mineHog.get(field).toString().replace("NaN", "null"))
              .append(",\"jgroups_hog_runs\":")
              .append(jgHog.get(field).toString().replace("NaN", "null"));
        }
        out.append('}');
      }
      out.append('}');
    }
    return out.append("]}").toString();
  }

  /**
   * {@code --hog}'s core: null (no hog) is -1; else a core number below {@code cores}, and {@code
   * taskset} must be there to pin the busy loop to it (one clear line if not).
   */
  static int hogCpu(String value, int cores) {
    if (value == null) {
      return -1;
    }
    int cpu;
    try {
      cpu = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--hog must be a core number, not '" + value + "'");
    }
    if (cpu < 0 || cpu >= cores) {
      throw new IllegalArgumentException(
          "--hog must be a core from 0 to "
              + (cores - 1)
              + " (this machine has "
              + cores
              + "), not "
              + value);
    }
    if (TASKSET.stream().noneMatch(Files::isExecutable)) {
      throw new IllegalArgumentException(
          "--hog needs taskset (util-linux) to pin its busy loop to a core; none found at "
              + TASKSET.get(0));
    }
    return cpu;
  }

  private static final List<Path> TASKSET =
      List.of(Path.of("/usr/bin/taskset"), Path.of("/bin/taskset"));

  /**
   * A busy loop pinned to core {@code cpu} for as long as a run lasts: a shell's empty loop, which
   * needs no JIT and allocates nothing, so it takes the core and nothing else.
   */
  static Process hog(int cpu) throws IOException {
    Path taskset = TASKSET.stream().filter(Files::isExecutable).findFirst().orElseThrow();
    return new ProcessBuilder(taskset.toString(), "-c", "" + cpu, "sh", "-c", "while :; do :; done")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** meshchat's bench chat flags for a cell. */
  /** {@code --heap}'s value, as the JVM reads {@code -Xmx}: digits, then k, m or g (or none). */
  public static long heapBytes(String heap) {
    Matcher m = Pattern.compile("([0-9]{1,7})([kKmMgG]?)").matcher(heap == null ? "" : heap);
    if (!m.matches()) {
      throw new IllegalArgumentException("--heap: a heap size such as 4g or 512m, got " + heap);
    }
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    long bytes = Long.parseLong(m.group(1)) << shift;
    if (bytes < 64L << 20) {
      throw new IllegalArgumentException("--heap: at least 64m, got " + heap);
    }
    return bytes;
  }

  static List<String> oursFlags(
      Cell cell, int n, long msgs, int rate, int duration, double warmup) {
    List<String> f = new ArrayList<>(common(cell, n));
    f.addAll(List.of("--store", cell.store()));
    f.addAll(sizing(cell, msgs, rate, duration));
    if (cell.workload().equals("latency")) {
      f.addAll(List.of("--warmup", seconds(warmup)));
    }
    return f;
  }

  /**
   * jgroups-bench's flags for the same cell: the same sizing and, for latency, the same unrecorded
   * seconds at the rate (its {@code --warmup-secs}), so that both measure the same stretch.
   */
  static List<String> theirFlags(
      Cell cell, int n, long msgs, int rate, int duration, double warmup) {
    List<String> f = new ArrayList<>(common(cell, n));
    f.addAll(List.of("--mode", cell.workload().equals("latency") ? "fifo" : "total"));
    f.addAll(sizing(cell, msgs, rate, duration));
    if (cell.workload().equals("latency")) {
      f.addAll(List.of("--warmup-secs", seconds(warmup)));
    }
    return f;
  }

  private static List<String> common(Cell cell, int n) {
    return List.of("--workload", cell.workload(), "--n", "" + n, "--size", "100");
  }

  private static List<String> sizing(Cell cell, long msgs, int rate, int duration) {
    return cell.workload().equals("latency")
        ? List.of("--rate", "" + rate, "--duration", "" + duration)
        : List.of("--msgs", "" + msgs);
  }

  private static String seconds(double s) {
    return BigDecimal.valueOf(s).stripTrailingZeros().toPlainString();
  }

  /**
   * Runs {@code java ARGS} to its end and returns its last stdout line that looks like JSON; {@code
   * hogCpu} at 0 or above: beside a busy loop pinned to that core ({@link #hog}), ended with it.
   */
  private static String java(List<String> args, Path raw, String label, int hogCpu)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    Process hog = hogCpu >= 0 ? hog(hogCpu) : null;
    // a compare ended from outside (Ctrl-C, kill) ends its busy loop too, never leaves it spinning
    Thread endHog = hog == null ? null : new Thread(hog::destroyForcibly, "end-hog");
    if (endHog != null) {
      Runtime.getRuntime().addShutdownHook(endHog);
    }
    String stdout;
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(label + " failed (exit " + p.exitValue() + ")");
      }
    } finally {
      if (hog != null) {
        hog.destroyForcibly();
        hog.waitFor(10, TimeUnit.SECONDS);
        Runtime.getRuntime().removeShutdownHook(endHog);
      }
    }
    String line =
        stdout
            .lines()
            .filter(l -> l.startsWith("{"))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new IllegalStateException(label + " printed no JSON line"));
    System.err.println(label + ": " + line);
    if (raw != null) {
      Files.writeString(
          raw,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    return line;
  }

  private static void collect(List<String> fields, String json, Map<String, List<Double>> into) {
    for (String field : fields) {
      Matcher m = Pattern.compile(String.format(NUMBER.pattern(), field)).matcher(json);
      into.computeIfAbsent(field, k -> new ArrayList<>())
          .add(m.find() ? Double.parseDouble(m.group(1)) : Double.NaN);
    }
  }

  /** A JSON number, or null where a side does not report the field (JSON has no NaN). */
  private static String number(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "null";
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
