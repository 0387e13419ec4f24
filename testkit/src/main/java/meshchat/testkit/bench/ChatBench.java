package meshchat.testkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import meshchat.peer.app.NodeAssembly;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.runtime.LinkInfo;
import meshchat.peer.runtime.NodeGauges;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.PackedMessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.OutOfMemoryExit;
import meshchat.tracker.metrics.LatencyHistogram;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The chat workload of the JGroups chat benchmark (docs/benchmarks.md), on meshchat: N real peers
 * in one JVM over loopback TCP, full mesh, S-byte messages. Prints one JSON line with the same
 * field names as the JGroups bench where they mean the same thing.
 *
 * <ul>
 *   <li>{@code --workload throughput}: after an unmeasured burst of W messages per peer (the JIT
 *       and buffers warm, as jgroups-bench does), every peer sends M messages as fast as flow
 *       control allows; the figure is N·M deliveries per peer divided by the time from the first
 *       send until the last peer has delivered all N·M (own messages included). {@code cpu_s} is
 *       the process's CPU over that time, every thread included.
 *   <li>{@code --workload latency}: all peers together send R msgs/s, spread evenly over time and
 *       peers, for D seconds after an unrecorded warm-up at the same rate (30 s by default: the JIT
 *       done, as in jgroups-bench given the same). Each message carries its send time ({@code
 *       System.nanoTime}); every delivery at every peer records now − stamp.
 * </ul>
 *
 * <p>{@code --store memory|sqlite}: sqlite (the product's store, one file per peer in a temp dir)
 * is the default.
 */
public final class ChatBench {
  private ChatBench() {}

  /** One run in a JVM of its own (as {@code bench compare} starts it): prints the JSON line. */
  public static void main(String[] args) {
    OutOfMemoryExit.install("meshchat bench chat");
    int code = 0;
    try {
      System.out.println(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("meshchat bench chat: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      System.err.println("meshchat bench chat: failed: " + e);
      code = 1;
    }
    System.out.flush();
    System.exit(code); // whatever thread a closing peer leaves behind, the run is over
  }

  // latency: unrecorded seconds at the rate before the recorded stretch, alone: jgroups-bench's
  // default (2), so that the two benches run side by side by hand measure the same stretch.
  static final double LATENCY_WARMUP_S = 2;

  // the side by side's (bench compare gives both benches the same): 30, past both JITs. At 2 s our
  // JIT compiled ~1,150 methods (~390 by C2, 4.4 s of CPU) inside the recorded 10 s against
  // JGroups' ~110 (0.7 s); at 30 s both are past their compiles (~90 and ~50, 0.3 s of JIT CPU
  // each): the warm cell measures the path, the 2 s cell the first half minute of a process
  // (docs/benchmarks.md, session 26)
  static final double COMPARE_WARMUP_S = 30;

  static final class Options {
    String workload = "throughput";
    int n = 5;
    int msgs = 20_000;
    // -1: a tenth of --msgs, as jgroups-bench's --warmup-msgs
    int warmupMsgs = -1;
    int size = 100;
    int rate = 1000;
    double duration = 10;
    double warmup = LATENCY_WARMUP_S;
    int window = 2_000;
    String store = "sqlite";
    int roomThreads = 2;
    // latency: a CSV file of every recorded message's latency at each peer (null: none)
    String breakdown;
  }

  static Options parse(String[] args) {
    BenchFlags flags =
        BenchFlags.parse(
            args,
            "--workload",
            "--n",
            "--msgs",
            "--warmup-msgs",
            "--size",
            "--rate",
            "--duration",
            "--warmup",
            "--window",
            "--store",
            "--room-threads",
            "--breakdown");
    Options o = new Options();
    o.workload = flags.oneOf("--workload", o.workload, "throughput", "latency");
    o.n = flags.positive("--n", o.n);
    o.msgs = flags.positive("--msgs", o.msgs);
    o.warmupMsgs = flags.integer("--warmup-msgs", Math.max(1, o.msgs / 10), 0);
    o.size = flags.positive("--size", o.size);
    o.rate = flags.positive("--rate", o.rate);
    o.duration = flags.number("--duration", o.duration, 0.001);
    o.warmup = flags.number("--warmup", o.warmup, 0);
    o.window = flags.positive("--window", o.window);
    o.store = flags.oneOf("--store", o.store, "sqlite", "sqlite-nofsync", "memory");
    o.roomThreads = flags.positive("--room-threads", o.roomThreads);
    o.breakdown = flags.text("--breakdown", null);
    if (o.breakdown != null) {
      if (!o.workload.equals("latency")) {
        throw new IllegalArgumentException("--breakdown is for --workload latency");
      }
      try {
        Files.writeString(Path.of(o.breakdown), ""); // fails now, not after the run
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("--breakdown: cannot write " + o.breakdown);
      }
    }
    return o;
  }

  public static String run(String[] args) throws Exception {
    Options o = parse(args);
    checkHeap(o, Runtime.getRuntime().maxMemory(), "JAVA_OPTS=-Xmx");
    // as a chat peer does (ChatCommand): Netty's allocator JFR events stay unregistered, or their
    // registration leaves ~0.5 MB of JFR metadata beside the first links, copied by young pauses
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    Path dir = Files.createTempDirectory("meshchat-bench");
    try (Mesh mesh = Mesh.start(o, dir)) {
      return o.workload.equals("throughput") ? throughput(o, mesh) : latency(o, mesh);
    } finally {
      deleteTree(dir);
    }
  }

  // ---- what a run holds ----

  /**
   * Heap a peer of the bench needs besides its messages (its links' buffers, TLS, room state), and
   * the bench's own: measured live after a full collection, 37-40 MB for 5 peers with either store
   * at 550,000 copies held (docs/benchmarks.md, session 30); 8 MiB a peer rounds that up.
   */
  static final long HEAP_PER_PEER = 8L << 20;

  /**
   * Heap a stored copy of a message holds besides its text: {@code PackedMessageStore} packs each
   * copy (id, author, deps, signature, order entry) into its arena, 236 B a copy with 100-byte
   * texts (live heap after a full collection, 5 x 20,000 against 5 x 60,000: 259.6 MB for 1.1 M
   * more copies; docs/benchmarks.md, session 30), so 136 B and the text. SQLite's stores keep their
   * messages in their files: 9 B a copy in the heap (the room's per-author indexes), rounded up.
   */
  static final long PACKED_COPY_OVERHEAD = 140;

  static final long SQLITE_COPY_BYTES = 16;

  /** Of the heap, what a run may plan to hold: the rest is the collector's room to work in. */
  static final double HEAP_USABLE = 0.85;

  /** Message copies the run's peers hold at its end: every peer keeps every message. */
  static long copies(Options o) {
    long messages =
        o.workload.equals("throughput")
            ? times(o.n, (long) o.msgs + o.warmupMsgs)
            : (long) Math.ceil(o.rate * (o.duration + o.warmup));
    return times(messages, o.n);
  }

  /** {@code a * b}, or {@link Long#MAX_VALUE} past it: flags at 2^31 - 1 must not wrap to room. */
  private static long times(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@link #heapNeeded} of the run these flags ask for. */
  public static long heapNeededFor(String... args) {
    return heapNeeded(parse(args));
  }

  /** The heap a run of {@code o} holds at its end, as estimated from the measured figures above. */
  static long heapNeeded(Options o) {
    long perCopy = o.store.equals("memory") ? PACKED_COPY_OVERHEAD + o.size : SQLITE_COPY_BYTES;
    long need = times(HEAP_PER_PEER, o.n) + times(copies(o), perCopy);
    return need < 0 ? Long.MAX_VALUE : need;
  }

  /**
   * Refuses, before any peer starts, a run that would not fit in {@code maxHeap} (one line, as a
   * bad flag is refused): the run would otherwise fill the heap minutes in and die of it (5 peers x
   * 600,000 messages with the memory store hold about 3.9 GB, more than a 4 GB heap can keep).
   * {@code raise} names the flag that gives the JVM more heap.
   */
  static void checkHeap(Options o, long maxHeap, String raise) {
    long need = heapNeeded(o);
    long usable = (long) (maxHeap * HEAP_USABLE);
    if (need > usable) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "this run would hold about %s (%d peers each keeping %,d messages%s), more than"
                  + " the %s it may use of a %s heap: lower --msgs or --n%s, or give it more"
                  + " heap (%s%s)",
              OutOfMemoryExit.size(need),
              o.n,
              copies(o) / o.n,
              o.store.equals("memory") ? " of " + (PACKED_COPY_OVERHEAD + o.size) + " B" : "",
              OutOfMemoryExit.size(usable),
              OutOfMemoryExit.size(maxHeap),
              o.store.equals("memory") ? ", use --store sqlite" : "",
              raise,
              xmxFor((long) Math.ceil(need / HEAP_USABLE))));
    }
  }

  /** The smallest whole GiB (or, under one, 64 MiB steps) of heap holding {@code bytes}. */
  static String xmxFor(long bytes) {
    if (bytes >= 1L << 30) {
      return ((bytes + (1L << 30) - 1) >> 30) + "g";
    }
    return (((bytes + (64L << 20) - 1) >> 26) * 64) + "m";
  }

  // ---- workload A ----

  /**
   * With {@code -Dmeshchat.bench.marks}, a line on stderr with the wall time (UTC), to cut a
   * profile (JFR's timestamps, a compile log) to the measured burst. The runtime bean is taken
   * here, before any peer starts: taken at the first mark, its class loading ran on the sender's
   * thread inside the recorded stretch (rev26, N1).
   */
  private static final java.lang.management.RuntimeMXBean MARKS =
      System.getProperty("meshchat.bench.marks") != null
          ? java.lang.management.ManagementFactory.getRuntimeMXBean()
          : null;

  private static void mark(String what) {
    if (MARKS != null) {
      System.err.println(
          "bench: "
              + what
              + " at "
              + java.time.Instant.now()
              + " (uptime "
              + MARKS.getUptime()
              + " ms)");
    }
  }

  private static String throughput(Options o, Mesh mesh) throws Exception {
    // an unmeasured burst first, as jgroups-bench's throughput workload runs one (--warmup-msgs,
    // a tenth of --msgs by default): the JIT, the links' buffers and the stores are warm when
    // the clock starts, on both sides of a comparison
    String body = pad("x", o.size);
    long warmup = (long) o.n * o.warmupMsgs;
    if (warmup > 0) {
      mesh.expect(warmup);
      burst(o, mesh, o.warmupMsgs, body);
      if (!mesh.allDelivered.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the warm-up burst was not delivered within 10 minutes");
      }
      Thread.sleep(200); // jgroups-bench's pause between its warm-up and measured bursts
    }
    long perPeer = (long) o.n * o.msgs;
    mesh.expect(warmup + perPeer);
    long bytesBefore = mesh.bytesOut();
    long diskBefore = diskWriteBytes();
    long commitsBefore = mesh.commits();
    CpuShares shares = new CpuShares();
    long cpuBefore = processCpuNanos();
    long start = System.nanoTime();
    mark("measured burst starts");
    List<Thread> senders = burst(o, mesh, o.msgs, body);
    boolean done = mesh.awaitDelivered(TimeUnit.MINUTES.toNanos(10));
    long elapsed = System.nanoTime() - start;
    double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
    String split = shares.since();
    mark("measured burst ends");
    for (Thread t : senders) {
      t.join();
    }
    double secs = elapsed / 1e9;
    double perMember = perPeer / secs;
    String wire =
        mesh.wire(mesh.bytesOut() - bytesBefore, perPeer, body)
            + ","
            + mesh.disk(diskWrittenSince(diskBefore), mesh.commits() - commitsBefore, perPeer);
    return String.format(
        Locale.ROOT,
        "{\"bench\":\"chat\",\"workload\":\"throughput\",\"n\":%d,\"msgs\":%d,"
            + "\"warmup_msgs_per_member\":%d,\"size\":%d,"
            + "\"store\":\"%s\",\"complete\":%b,\"wall_s\":%.3f,\"msgs_per_s_per_member\":%.0f,"
            + "\"msgs_per_s_aggregate\":%.0f,\"cpu_s\":%.3f,\"cpu_us_per_delivery\":%.2f,"
            + "%s,\"duplicates\":%d,\"join_ms\":%.1f,\"relayed\":%d,%s,%s}",
        o.n,
        o.msgs,
        o.warmupMsgs,
        o.size,
        o.store,
        done,
        secs,
        perMember,
        perMember * o.n,
        cpuSeconds,
        cpuSeconds * 1e6 / (perPeer * o.n),
        split,
        mesh.duplicates.get(),
        mesh.joinNanos / 1e6,
        mesh.relayed(),
        wire,
        mesh.linkHealth());
  }

  /**
   * Every peer sends {@code count} messages on a thread of its own, as fast as its window allows.
   */
  private static List<Thread> burst(Options o, Mesh mesh, int count, String body) {
    List<Thread> senders = new ArrayList<>();
    for (PeerNode node : mesh.nodes) {
      Thread t =
          new Thread(
              () -> {
                // a window of unacknowledged sends, so the sender cannot outrun the room thread
                Semaphore window = new Semaphore(o.window);
                for (int i = 0; i < count; i++) {
                  window.acquireUninterruptibly();
                  node.send(body).whenComplete((m, e) -> window.release());
                }
              },
              "sender-" + node.self().shortHex());
      senders.add(t);
      t.start();
    }
    return senders;
  }

  /** This process's CPU time so far (every thread: peers, JIT, GC), in nanoseconds. */
  /**
   * Where the measured burst's CPU went, by thread, from Linux's per-thread counters ({@code
   * /proc/self/task/TID/stat}, user and system time, 10 ms ticks): {@code room_cpu_s} the room
   * threads (every link's reads and writes, the room, the store), {@code verify_cpu_s} the verify
   * pools, {@code jit_cpu_s} the JIT compilers, {@code gc_cpu_s} the collectors (pauses and
   * concurrent work). The rest of {@code cpu_s} is the bench's senders and the JVM's other threads.
   * Elsewhere than Linux the four read 0. And how often threads were switched off a core ({@code
   * /proc/self/task/TID/status}, voluntary and not): {@code room_csw} the room threads', {@code
   * verify_csw} the verify pools', {@code csw} every thread's; a voluntary switch is a thread that
   * parked or waited for a socket, so these count the wakeups a message costs, whatever the load.
   */
  static final class CpuShares {
    private static final String[] KINDS = {"room", "verify", "jit", "gc"};
    private final long[] before = ticks();
    private final Map<String, Long> switchesBefore = switchesByThread();

    /** The shares since this was made, as JSON fields. */
    String since() {
      return since(1);
    }

    /** The same, each figure times {@code scale}. */
    String since(double scale) {
      long[] now = ticks();
      long[] switched = switchesSince(switchesBefore);
      for (int i = 0; i < switched.length; i++) {
        switched[i] = Math.round(switched[i] * scale);
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < KINDS.length; i++) {
        b.append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "\"%s_cpu_s\":%.2f",
                    KINDS[i],
                    (now[i] - before[i]) * scale / 100.0));
      }
      b.append(",\"room_csw\":")
          .append(switched[0])
          .append(",\"verify_csw\":")
          .append(switched[1])
          .append(",\"csw\":")
          .append(switched[KINDS.length]);
      return b.toString();
    }

    /**
     * Context switches (voluntary and not) since {@code before} per kind, and in the last slot over
     * every thread: each live thread's count less its own count in {@code before} (0 for a thread
     * started since). A thread that ended meanwhile is left out, not subtracted: compiler threads
     * come and go, and a sum over the threads alive at each end could go below zero.
     */
    private static long[] switchesSince(Map<String, Long> before) {
      long[] sum = new long[KINDS.length + 1];
      forEachThread(
          (tid, k, n) -> {
            long d = n - before.getOrDefault(tid, 0L);
            if (k >= 0) {
              sum[k] += d;
            }
            sum[KINDS.length] += d;
          });
      return sum;
    }

    /** Each live thread's context switches so far, by thread id. */
    private static Map<String, Long> switchesByThread() {
      Map<String, Long> out = new HashMap<>();
      forEachThread((tid, k, n) -> out.put(tid, n));
      return out;
    }

    private interface ThreadSwitches {
      void accept(String tid, int kind, long switches);
    }

    /** Every live thread's id, kind ({@link #kind}) and context switches (voluntary and not). */
    private static void forEachThread(ThreadSwitches to) {
      java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
      if (tasks == null) {
        return;
      }
      for (java.io.File t : tasks) {
        try {
          int k = -1;
          long n = 0;
          for (String line : Files.readAllLines(t.toPath().resolve("status"))) {
            if (line.startsWith("Name:")) {
              k = kind(line.substring("Name:".length()).trim());
            } else if (line.startsWith("voluntary_ctxt_switches:")
                || line.startsWith("nonvoluntary_ctxt_switches:")) {
              n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          to.accept(t.getName(), k, n);
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    }

    /** Which of {@link #KINDS} a thread of this name is, or -1. */
    static int kind(String comm) {
      if (comm.startsWith("peer-room-")) {
        return 0;
      } else if (comm.startsWith("peer-verify-")) {
        return 1;
      } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
        return 2;
      } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
        return 3;
      }
      return -1;
    }

    // clock ticks of user and system time per kind, summed over the live threads
    private static long[] ticks() {
      long[] sum = new long[KINDS.length];
      java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
      if (tasks == null) {
        return sum;
      }
      for (java.io.File t : tasks) {
        try {
          String stat = java.nio.file.Files.readString(t.toPath().resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          int k = kind(stat.substring(open + 1, close));
          if (k >= 0) {
            // after "pid (comm) ": state is field 3, utime 14 and stime 15
            String[] f = stat.substring(close + 2).split(" ");
            sum[k] += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (java.io.IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
      return sum;
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** What this process made the kernel write to disks so far (Linux), or -1. */
  static long diskWriteBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("write_bytes:")) {
          return Long.parseLong(line.substring("write_bytes:".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no such file: the field says -1
    }
    return -1;
  }

  private static long diskWrittenSince(long before) {
    long now = diskWriteBytes();
    return now < 0 || before < 0 ? -1 : now - before;
  }

  // ---- workload B ----

  private static String latency(Options o, Mesh mesh) throws Exception {
    long total = Math.round((o.warmup + o.duration) * o.rate);
    mesh.expect(total);
    long intervalNanos = 1_000_000_000L / o.rate;
    long warmupSends = Math.round(o.warmup * o.rate);
    if (o.breakdown != null) {
      mesh.breakdown = new Breakdown(Path.of(o.breakdown));
      // every delivery's row, the warm-up's too, in room for them from the start: grown on the
      // room threads, each copy of the rows took its thread from the deliveries
      long rows = total * Breakdown.WIDTH;
      if (rows < Integer.MAX_VALUE - 8) {
        mesh.counters.forEach(c -> c.rows = new long[(int) rows]);
      }
    }
    long bytesBefore = mesh.bytesOut();
    long diskBefore = diskWriteBytes();
    long commitsBefore = mesh.commits();
    // The recorded stretch's CPU snapshot is taken by a thread of its own as the stretch starts.
    // Taken on this thread, before the stretch's first send, its first reading of /proc and of
    // the management beans (classes loaded, code run once) held the sends for 20-30 ms on a quiet
    // box and ~100 ms on a busy one, and the sends it held then went out back to back: a queue
    // at the room threads in the first recorded milliseconds, which jgroups-bench, taking its
    // snapshot before its first send, does not have (docs/benchmarks.md, session 26). The code
    // runs once here first, so that the snapshot itself is quick.
    new CpuShares().since();
    processCpuNanos();
    long start = System.nanoTime();
    // The recorded messages are those stamped from the recorded stretch's first due time on, as
    // jgroups-bench records those stamped from its measured start; nothing in the sending loop or
    // in the deliveries' path changes when the stretch starts. A branch first taken there (this
    // loop's "the stretch starts now", the listener's "record this one") was compiled by C2 as a
    // trap after 30 s of warm-up never taking it: at the stretch's start the loop and the room
    // threads' delivery path (the listener inlined deep into it) fell back to the interpreter and
    // were compiled again (C2 held a core for 170-300 ms for the listener, 1.1 s into the stretch,
    // docs/benchmarks.md, session 35). The stretch's start (the relay count, the mark) is now
    // noted by the CPU snapshot's thread, which wakes for it anyway.
    long recordFrom = start + warmupSends * intervalNanos;
    if (mesh.breakdown != null) {
      mesh.breakdown.startNanos = recordFrom;
    }
    mesh.recordFrom = recordFrom;
    mesh.recording = true;
    CpuSnapshot snapshot =
        warmupSends < total
            ? new CpuSnapshot(
                Math.max(start, recordFrom - CpuSnapshot.LEAD_NANOS), recordFrom, mesh)
            : null;
    if (snapshot != null) {
      snapshot.start();
    }
    long maxLag = 0;
    long maxLagRecorded = 0;
    for (long i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      maxLag = Math.max(maxLag, now - due);
      // all ones from the first recorded send on, else 0: no branch that the stretch's start flips
      long recorded = (warmupSends - 1 - i) >> 63;
      maxLagRecorded = Math.max(maxLagRecorded, (now - due) & recorded);
      // a warm-up send that went out late, past the stretch's start, is stamped just before it:
      // recorded are exactly the stretch's sends (a recorded send's stamp is never before its due)
      long latest = recordFrom - 1 + (recorded & (Long.MAX_VALUE - recordFrom + 1));
      PeerNode sender = mesh.nodes.get((int) (i % o.n));
      sender.send(stamp(Math.min(System.nanoTime(), latest), o.size));
    }
    CpuShares shares = null;
    long cpuBefore = 0;
    long sharesAt = 0;
    long[] fsyncsBefore = new long[Mesh.FSYNC_FIELDS];
    if (snapshot != null) {
      snapshot.join();
      fsyncsBefore = snapshot.fsyncsBefore;
      shares = snapshot.shares;
      cpuBefore = snapshot.cpuBefore;
      sharesAt = snapshot.sharesAt;
    }
    mark("last send");
    boolean done = mesh.allDelivered.await(2, TimeUnit.MINUTES);
    mark("all delivered");
    if (mesh.breakdown != null) {
      mesh.recording = false;
      mesh.breakdown.write(mesh.counters);
    }
    // the recorded stretch's CPU, by thread: load-independent, where the percentiles are not
    long cpuAfter = processCpuNanos();
    long cpuEnd = System.nanoTime();
    String cpu =
        shares == null
            ? "\"cpu_s\":0"
            : String.format(
                    Locale.ROOT,
                    "\"cpu_s\":%.2f,\"cpu_snapshot_lag_us\":%d,",
                    (cpuAfter - cpuBefore) / 1e9,
                    snapshot.lateNanos / 1000)
                // the shares began up to a second before the stretch: scaled to its length
                + shares.since(
                    (double) Math.max(1, cpuEnd - recordFrom) / Math.max(1, cpuEnd - sharesAt))
                + gcSince(snapshot.gcBefore);
    String wire =
        cpu
            + ","
            + mesh.wire(mesh.bytesOut() - bytesBefore, total, stamp(0, o.size))
            + ","
            + mesh.disk(diskWrittenSince(diskBefore), mesh.commits() - commitsBefore, total)
            + ","
            + mesh.fsyncs(fsyncsBefore);
    Histogram all = mesh.all;
    Histogram remote = mesh.remote;
    Histogram local = mesh.local;
    return String.format(
        Locale.ROOT,
        "{\"bench\":\"chat\",\"workload\":\"latency\",\"n\":%d,\"rate\":%d,\"duration_s\":%.1f,"
            + "\"warmup_s\":%.1f,"
            + "\"size\":%d,\"store\":\"%s\",\"complete\":%b,\"samples\":%d,"
            + "\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,"
            + "\"remote_p50_us\":%d,\"remote_p99_us\":%d,\"remote_max_us\":%d,"
            + "\"remote_early\":%d,\"remote_early_p50_us\":%d,\"remote_early_p99_us\":%d,"
            + "\"remote_signed\":%d,\"remote_signed_p50_us\":%d,\"remote_signed_p99_us\":%d,"
            + "\"local_p50_us\":%d,\"local_p99_us\":%d,\"local_max_us\":%d,"
            + "\"max_send_lag_us\":%d,\"max_send_lag_recorded_us\":%d,\"duplicates\":%d,"
            + "\"join_ms\":%.1f,"
            + "\"via_sync\":%d,\"incomplete\":%d,\"late\":%d,"
            + "\"relayed\":%d,\"relayed_recorded\":%d,%s,%s}",
        o.n,
        o.rate,
        o.duration,
        o.warmup,
        o.size,
        o.store,
        done,
        all.getTotalCount(),
        all.getValueAtPercentile(50) / 1000,
        all.getValueAtPercentile(90) / 1000,
        all.getValueAtPercentile(99) / 1000,
        all.getMaxValue() / 1000,
        remote.getValueAtPercentile(50) / 1000,
        remote.getValueAtPercentile(99) / 1000,
        remote.getMaxValue() / 1000,
        mesh.remoteEarly.getTotalCount(),
        mesh.remoteEarly.getValueAtPercentile(50) / 1000,
        mesh.remoteEarly.getValueAtPercentile(99) / 1000,
        mesh.remoteSigned.getTotalCount(),
        mesh.remoteSigned.getValueAtPercentile(50) / 1000,
        mesh.remoteSigned.getValueAtPercentile(99) / 1000,
        local.getValueAtPercentile(50) / 1000,
        local.getValueAtPercentile(99) / 1000,
        local.getMaxValue() / 1000,
        maxLag / 1000,
        maxLagRecorded / 1000,
        mesh.duplicates.get(),
        mesh.joinNanos / 1e6,
        mesh.viaSync.get(),
        mesh.incomplete.get(),
        mesh.late.get(),
        mesh.relayed(),
        mesh.relayed() - mesh.relayedBeforeRecording,
        wire,
        mesh.linkHealth());
  }

  /**
   * The recorded stretch's CPU, read at its start off the sender's thread; by thread kind, read a
   * second before it ({@link #LEAD_NANOS}) and scaled to the stretch's length. Reading every
   * thread's {@code /proc} files took the snapshot's thread 6-9 ms of a core, and taken as the
   * stretch began, that held the stretch's first messages: the first 100 ms held 8-17 % of the
   * recorded p99 tail (docs/benchmarks.md, session 35). The process's own CPU, one system call, is
   * still read at the stretch's start. jgroups-bench reads its CPU before its warm-up.
   */
  private static final class CpuSnapshot extends Thread {
    /** How long before the stretch the per-thread figures are read (at most the warm-up). */
    static final long LEAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long sharesDue;
    private final long at;
    private final Mesh mesh;
    CpuShares shares;
    long sharesAt;
    long cpuBefore;
    long[] fsyncsBefore = new long[Mesh.FSYNC_FIELDS];
    long[] gcBefore = new long[2];

    /**
     * How long after the recorded stretch's start the snapshot was taken: on a loaded box the
     * thread wakes late, and the stretch's first {@code lateNanos} are not in {@code cpu_s} (rev26,
     * N2).
     */
    long lateNanos;

    CpuSnapshot(long sharesDue, long at, Mesh mesh) {
      super("bench-cpu-snapshot");
      setDaemon(true);
      this.sharesDue = sharesDue;
      this.at = at;
      this.mesh = mesh;
    }

    @Override
    public void run() {
      long now;
      while ((now = System.nanoTime()) < sharesDue) {
        LockSupport.parkNanos(sharesDue - now);
      }
      shares = new CpuShares();
      sharesAt = System.nanoTime();
      while ((now = System.nanoTime()) < at) {
        LockSupport.parkNanos(at - now);
      }
      cpuBefore = processCpuNanos();
      gcBefore = gcTotals();
      fsyncsBefore = mesh.fsyncTotals();
      lateNanos = System.nanoTime() - at;
      mesh.relayedBeforeRecording = mesh.relayed();
      mark("recorded stretch starts");
    }
  }

  /**
   * The collectors' pauses so far (every {@code GarbageCollectorMXBean}: with G1, its young and
   * mixed pauses and any full one): how many, and their milliseconds.
   */
  static long[] gcTotals() {
    long[] t = new long[2];
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      t[0] += Math.max(0, gc.getCollectionCount());
      t[1] += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }

  /**
   * {@code gc_pauses} and {@code gc_pause_ms}: the collectors' pauses from the recorded stretch's
   * start until the line (its drain included). The memory latency cell's p99 is a few stalls, not a
   * steady queue (session 38: 56-100 % of the tail in its three busiest 100 ms slices), and one
   * young pause is one such stall: a run's p99 is read with this beside it.
   */
  static String gcSince(long[] before) {
    long[] now = gcTotals();
    return ",\"gc_pauses\":" + (now[0] - before[0]) + ",\"gc_pause_ms\":" + (now[1] - before[1]);
  }

  private static String stamp(long nanos, int size) {
    return pad(Long.toString(nanos) + ":", size);
  }

  private static String pad(String head, int size) {
    StringBuilder b = new StringBuilder(size).append(head);
    while (b.length() < size) {
      b.append('.');
    }
    return b.toString();
  }

  private static long parseStamp(String text) {
    int colon = text.indexOf(':');
    return colon < 0 ? -1 : Long.parseLong(text, 0, colon, 10);
  }

  /**
   * Auto-resizing, 3 significant digits, no highest value: a latency of minutes on an overloaded
   * box is a result to report, never an ArrayIndexOutOfBounds that ends the run. Sized for a minute
   * from the start: it is recorded on the peers' room threads, and growing it step by step as the
   * latencies grow (each step copies every count) took up to 4% of their samples in a JFR profile
   * of the latency cell.
   */
  static Histogram latencyHistogram() {
    Histogram h = new ConcurrentHistogram(1, TimeUnit.MINUTES.toNanos(1), 3);
    h.setAutoResize(true);
    return h;
  }

  // ---- the mesh ----

  /** What the latency workload records of a stretch's deliveries. */
  static final class Recorded {
    final Histogram all = latencyHistogram();
    final Histogram remote = latencyHistogram();
    // the remote deliveries split by path: shown early (before the head's check) or after it
    final Histogram remoteEarly = latencyHistogram();
    final Histogram remoteSigned = latencyHistogram();
    // the local echo: typed (send called) to shown by the author, its store commit included
    final Histogram local = latencyHistogram();
    // deliveries that came by a repair path rather than the live push: by anti-entropy (a digest
    // said we lacked them), shown before a dependency arrived, or shown out of order
    final AtomicLong viaSync = new AtomicLong();
    final AtomicLong incomplete = new AtomicLong();
    final AtomicLong late = new AtomicLong();
  }

  /** N peers linked in a full mesh by direct dials (no tracker in the measured path). */
  private static final class Mesh implements AutoCloseable {
    final List<PeerNode> nodes = new ArrayList<>();
    final PeerGroups groups;
    // [0] the recorded stretch's figures, [1] the warm-up's (recorded alike, never reported)
    final Recorded[] recorded = {new Recorded(), new Recorded()};
    final Histogram all = recorded[0].all;
    final Histogram remote = recorded[0].remote;
    final Histogram remoteEarly = recorded[0].remoteEarly;
    final Histogram remoteSigned = recorded[0].remoteSigned;
    final Histogram local = recorded[0].local;
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong viaSync = recorded[0].viaSync;
    final AtomicLong incomplete = recorded[0].incomplete;
    final AtomicLong late = recorded[0].late;
    volatile boolean recording; // the latency workload's messages are being sent
    // the recorded messages are those sent from here on (their stamps), as jgroups-bench records
    // those stamped from its measured start: a warm-up message delivered after it is not counted
    volatile long recordFrom = Long.MAX_VALUE;
    // --breakdown: each recorded delivery kept by its receiver's Counter (null: not kept)
    Breakdown breakdown;
    final Map<PeerId, Integer> index = new HashMap<>();
    long relayedBeforeRecording;
    // from the first dial until every peer holds n-1 open links: TCP, TLS and Hello included
    long joinNanos;
    volatile CountDownLatch allDelivered = new CountDownLatch(1);
    private final List<Counter> counters = new ArrayList<>();

    private Mesh(PeerGroups groups) {
      this.groups = groups;
    }

    static Mesh start(Options o, Path dir) throws IOException, InterruptedException {
      // two I/O threads and one room thread per core: this machine has 2 cores
      Mesh mesh = new Mesh(PeerGroups.create(2, o.roomThreads));
      for (int i = 0; i < o.n; i++) {
        Identity identity = Identity.generate();
        PeerId id = identity.peerId();
        PeerConfig config = Bench.allOnLoopback(PeerConfig.of("bench", "p" + i, identity));
        Counter counter = new Counter(mesh, id, i);
        mesh.index.put(id, i);
        mesh.counters.add(counter);
        mesh.nodes.add(NodeAssembly.start(config, store(o, dir, i), mesh.groups, counter, true));
      }
      long dialed = System.nanoTime();
      for (PeerNode a : mesh.nodes) {
        for (PeerNode b : mesh.nodes) {
          if (a.self().compareTo(b.self()) < 0) {
            a.dial(new PeerAddress(b.self(), b.nick(), "127.0.0.1", b.port()));
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (mesh.nodes.stream().anyMatch(x -> x.linkCount() < o.n - 1)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the mesh did not form within 30 s");
        }
        Thread.sleep(1);
      }
      mesh.joinNanos = System.nanoTime() - dialed;
      // jgroups-bench waits 500 ms after its join before either workload ("let the last view
      // settle"): the same pause here, so that both JITs get it before the first send
      Thread.sleep(500);
      return mesh;
    }

    private static MessageStore store(Options o, Path dir, int i) throws IOException {
      if (o.store.equals("memory")) {
        // each peer decodes its own copy of every message, as a real peer does: keep it packed
        return new PackedMessageStore();
      }
      Path data = Files.createDirectories(dir.resolve("peer" + i));
      // "sqlite" is the product (an fsync per own-message commit); "sqlite-nofsync" survives a
      // killed process but not a power cut
      return SqliteMessageStore.open(data, "bench", o.store.equals("sqlite"));
    }

    /** Bytes the peers wrote to their sockets so far, summed: TLS records and framing included. */
    long bytesOut() {
      return nodes.stream().mapToLong(n -> n.counters().get(Traffic.BYTES_OUT)).sum();
    }

    /**
     * What the wire cost per message and receiver over a run, as JSON fields: {@code wire_bytes}
     * written by all peers while the {@code messages} were sent and delivered, {@code
     * wire_b_per_delivery} (those bytes over messages × (n−1) receivers: in a full mesh each
     * message crosses n−1 links), and {@code wire_overhead_b}, that less the text and nick each
     * delivery carries: frames, heads, keys, TLS records, digests and pings, all of it.
     */
    String wire(long bytes, long messages, String text) {
      long deliveries = messages * (nodes.size() - 1);
      double perDelivery = deliveries == 0 ? 0 : (double) bytes / deliveries;
      double payload = text.getBytes(StandardCharsets.UTF_8).length + meanNickBytes();
      return String.format(
          Locale.ROOT,
          "\"wire_bytes\":%d,\"wire_b_per_delivery\":%.1f,\"wire_overhead_b\":%.1f",
          bytes,
          perDelivery,
          perDelivery - payload);
    }

    private double meanNickBytes() {
      return nodes.stream()
          .mapToInt(n -> n.nick().getBytes(StandardCharsets.UTF_8).length)
          .average()
          .orElse(0);
    }

    /** The room threads' group commits that stored a message so far, summed over the peers. */
    long commits() {
      return nodes.stream().mapToLong(n -> n.commitLatency().snapshot().count()).sum();
    }

    /**
     * What the store cost the disk over a run, as JSON fields: {@code disk_write_bytes}, what the
     * process made the kernel write (Linux's {@code /proc/self/io} write_bytes: log frames,
     * checkpoints' copies; -1 where it cannot be read), {@code disk_kb_per_row} (those over the
     * rows stored: messages × n), {@code commits} (the room threads' group commits that stored a
     * message) and {@code rows_per_commit}. None of these depends much on the machine's load.
     */
    String disk(long bytes, long commits, long messages) {
      long rows = messages * nodes.size();
      return String.format(
          Locale.ROOT,
          "\"disk_write_bytes\":%d,\"disk_kb_per_row\":%.2f,\"commits\":%d,"
              + "\"rows_per_commit\":%.2f",
          bytes,
          bytes < 0 || rows == 0 ? 0 : bytes / 1024.0 / rows,
          commits,
          commits == 0 ? 0 : (double) rows / commits);
    }

    static final int FSYNC_FIELDS = 8;

    /**
     * The own commits' fsyncs so far, summed over the peers: count, total nanoseconds, how many
     * over 1 ms and over 5 ms; then the same of each own commit's wait from its fsync's request
     * until the room thread heard it was durable ({@link PeerNode#fsyncLatency}, {@link
     * PeerNode#durableLatency}).
     */
    long[] fsyncTotals() {
      long[] t = new long[FSYNC_FIELDS];
      for (PeerNode n : nodes) {
        addTo(t, 0, n.fsyncLatency().snapshot());
        addTo(t, 4, n.durableLatency().snapshot());
      }
      return t;
    }

    private static void addTo(long[] t, int at, LatencyHistogram.Snapshot s) {
      int over1ms = Arrays.binarySearch(LatencyHistogram.BOUNDS, 0.001) + 1;
      int over5ms = Arrays.binarySearch(LatencyHistogram.BOUNDS, 0.005) + 1;
      t[at] += s.count();
      t[at + 1] += Math.round(s.sumSeconds() * 1e9);
      for (int i = over1ms; i < s.counts().length; i++) {
        t[at + 2] += s.counts()[i];
        t[at + 3] += i >= over5ms ? s.counts()[i] : 0;
      }
    }

    /**
     * Where the own lines' wait for durability went since {@code before} ({@link #fsyncTotals}), as
     * JSON fields: {@code fsyncs} (the store threads' fsyncs of own commits), {@code fsync_mean_us}
     * and how many took over 1 and 5 ms; {@code own_waits} (the own commits that waited for one),
     * {@code own_wait_mean_us} (from the fsync's request on the room thread to its report there:
     * the fsync, any earlier fsync it waited behind, and the two threads' wakeups) and how many
     * waited over 1 and 5 ms. Every remote line of the sqlite latency cell waits for its author's,
     * since an own line is sent only once durable (docs/benchmarks.md, session 37). All 0 with the
     * other stores.
     */
    String fsyncs(long[] before) {
      long[] t = fsyncTotals();
      for (int i = 0; i < t.length; i++) {
        t[i] -= before[i];
      }
      return String.format(
          Locale.ROOT,
          "\"fsyncs\":%d,\"fsync_mean_us\":%.0f,\"fsyncs_over_1ms\":%d,\"fsyncs_over_5ms\":%d,"
              + "\"own_waits\":%d,\"own_wait_mean_us\":%.0f,\"own_waits_over_1ms\":%d,"
              + "\"own_waits_over_5ms\":%d",
          t[0],
          t[0] == 0 ? 0 : t[1] / 1e3 / t[0],
          t[2],
          t[3],
          t[4],
          t[4] == 0 ? 0 : t[5] / 1e3 / t[4],
          t[6],
          t[7]);
    }

    /** Other peers' messages relayed live, by every peer: none are needed in a full mesh. */
    long relayed() {
      return nodes.stream().mapToLong(n -> n.counters().get(Traffic.MESSAGES_FORWARDED)).sum();
    }

    /** {@code "name":{"k":v,...}}, keys in order. */
    private static void jsonCounts(StringBuilder json, String name, Map<String, Long> counts) {
      json.append('"').append(name).append("\":{");
      String comma = "";
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        json.append(comma).append('"').append(e.getKey()).append("\":").append(e.getValue());
        comma = ",";
      }
      json.append('}');
    }

    /**
     * What the links went through during the run, summed over the peers, as JSON fields: links
     * closed by reason (each side counts each of its links that went down; apart, those the other
     * side closed), the limit counters that are not zero, SyncRequests sent, and live messages
     * received twice. A healthy full mesh shows none of them; a collapse (links closed as idle,
     * redials, anti-entropy refetching what is arriving live) shows in all three.
     */
    String linkHealth() {
      Map<String, Long> closes = new TreeMap<>();
      Map<String, Long> closedByThem = new TreeMap<>();
      Map<String, Long> limits = new TreeMap<>();
      long syncRequests = 0;
      long twice = 0;
      long early = 0;
      long refused = 0;
      long duringCheck = 0;
      long streamed = 0;
      for (PeerNode n : nodes) {
        n.counters().linkCloses().forEach((reason, k) -> closes.merge(reason, k, Long::sum));
        n.counters().linkClosesByThem().forEach((r, k) -> closedByThem.merge(r, k, Long::sum));
        n.counters()
            .limitsByName()
            .forEach(
                (name, k) -> {
                  if (k != 0) {
                    limits.merge(name, k, Long::sum);
                  }
                });
        syncRequests += n.counters().get(Traffic.SYNC_REQUESTS_SENT);
        twice += n.counters().get(Traffic.MESSAGES_DUPLICATE_LIVE);
        early += n.counters().get(Traffic.LINES_EARLY);
        refused += n.counters().get(Traffic.LINES_EARLY_REFUSED);
        duringCheck += n.counters().get(Traffic.LINES_DURING_CHECK);
        streamed += n.counters().get(Traffic.LINES_STREAMED);
      }
      StringBuilder json = new StringBuilder();
      jsonCounts(json, "link_closes", closes);
      json.append(',');
      jsonCounts(json, "link_closes_by_them", closedByThem);
      json.append(',');
      jsonCounts(json, "limits", limits);
      // the room threads' group commits: their total time, and how many took over 5 ms (a log
      // checkpoint's fsync on the room thread shows here)
      double commitSeconds = 0;
      long slowCommits = 0;
      int over5ms = Arrays.binarySearch(LatencyHistogram.BOUNDS, 0.005) + 1;
      for (PeerNode n : nodes) {
        LatencyHistogram.Snapshot c = n.commitLatency().snapshot();
        commitSeconds += c.sumSeconds();
        for (int i = over5ms; i < c.counts().length; i++) {
          slowCommits += c.counts()[i];
        }
      }
      return json.append(",\"sync_requests\":")
          .append(syncRequests)
          .append(",\"lines_early\":")
          .append(early)
          .append(",\"lines_early_refused\":")
          .append(refused)
          .append(",\"lines_during_check\":")
          .append(duringCheck)
          .append(",\"lines_streamed\":")
          .append(streamed)
          .append(",\"received_twice\":")
          .append(twice)
          .append(String.format(Locale.ROOT, ",\"commit_s\":%.3f", commitSeconds))
          .append(",\"commits_over_5ms\":")
          .append(slowCommits)
          .toString();
    }

    /**
     * Waits up to {@code nanos} for every peer's deliveries; a burst still short after 30 s says on
     * stderr, every 30 s, where each peer stands (a stalled run is otherwise silent until its
     * timeout, and the process is gone before anyone can look).
     */
    boolean awaitDelivered(long nanos) throws InterruptedException {
      long deadline = System.nanoTime() + nanos;
      long step = TimeUnit.SECONDS.toNanos(30);
      while (true) {
        long left = deadline - System.nanoTime();
        if (allDelivered.await(Math.min(step, Math.max(0, left)), TimeUnit.NANOSECONDS)) {
          return true;
        }
        if (left <= step) {
          return false;
        }
        for (int i = 0; i < nodes.size(); i++) {
          System.err.println("bench: still waiting: " + stall(nodes.get(i), counters.get(i)));
        }
      }
    }

    private static String stall(PeerNode n, Counter c) {
      StringBuilder b = new StringBuilder(n.self().shortHex());
      b.append(" delivered ").append(c.delivered()).append(" of ").append(c.target);
      try {
        NodeGauges g = n.gauges().get(5, TimeUnit.SECONDS);
        b.append(", held back ").append(g.heldBack()).append(", stored ").append(g.stored());
        for (LinkInfo l : g.links()) {
          b.append(", link ").append(l.peer().shortHex()).append(l.open() ? "" : " (closed)");
          b.append(" lag ").append(l.lag());
        }
      } catch (Exception e) {
        b.append(", room thread did not answer: ").append(e);
      }
      Counters k = n.counters();
      b.append(", received ").append(k.get(Traffic.MESSAGES_RECEIVED));
      b.append(", received twice ").append(k.get(Traffic.MESSAGES_DUPLICATE_LIVE));
      b.append(", sync requests sent ").append(k.get(Traffic.SYNC_REQUESTS_SENT));
      return b.append(", limits: ").append(k).toString();
    }

    void expect(long perPeer) {
      allDelivered = new CountDownLatch(nodes.size());
      for (Counter c : counters) {
        c.target = perPeer;
      }
    }

    @Override
    public void close() {
      for (PeerNode n : nodes) {
        n.close();
      }
      groups.close();
    }
  }

  /** Counts one peer's deliveries and records latency; runs on that peer's room thread. */
  /**
   * {@code --breakdown FILE}: one CSV line per recorded delivery (receiver, origin, seq, send time
   * in µs from the first recorded send, latency in µs, shown early, the delivering thread's id), so
   * that the tail can be told apart: a message late at every peer (its author's commit, fsync or
   * send) or at one receiver (that receiver's thread), and when.
   */
  static final class Breakdown {
    static final int WIDTH = 6;
    final Path file;
    long startNanos;

    Breakdown(Path file) {
      this.file = file;
    }

    void write(List<Counter> counters) throws IOException {
      StringBuilder b = new StringBuilder("receiver,origin,seq,sent_us,latency_us,early,thread\n");
      for (Counter c : counters) {
        for (int i = 0; i < c.rowCount; i += WIDTH) {
          long[] r = c.rows;
          if (r[i + 2] < startNanos) {
            continue; // a warm-up message: kept alike (see Counter.delivered), not written
          }
          b.append(c.selfIndex).append(',').append(r[i]).append(',').append(r[i + 1]).append(',');
          b.append((r[i + 2] - startNanos) / 1000).append(',').append(r[i + 3] / 1000).append(',');
          b.append(r[i + 4]).append(',').append(r[i + 5]).append('\n');
        }
      }
      Files.writeString(file, b);
    }
  }

  private static final class Counter implements PeerListener {
    private final Mesh mesh;
    private final PeerId self;
    long target = Long.MAX_VALUE;
    private long delivered; // read racily by a stall report only
    // the seqs delivered so far per origin: a second delivery of one is a duplicate
    private final Map<PeerId, BitSet> seen = new HashMap<>();
    private final int selfIndex;
    // --breakdown: this receiver's recorded deliveries, written on its room thread only
    private long[] rows = new long[0];
    private int rowCount;

    Counter(Mesh mesh, PeerId self, int selfIndex) {
      this.mesh = mesh;
      this.self = self;
      this.selfIndex = selfIndex;
    }

    private void keep(int origin, long seq, long stamp, long latency, boolean early) {
      if (rowCount + Breakdown.WIDTH > rows.length) {
        rows = Arrays.copyOf(rows, Math.max(4096, rows.length * 2));
      }
      rows[rowCount++] = origin;
      rows[rowCount++] = seq;
      rows[rowCount++] = stamp;
      rows[rowCount++] = latency;
      rows[rowCount++] = early ? 1 : 0;
      rows[rowCount++] = Thread.currentThread().getId();
    }

    long delivered() {
      return delivered;
    }

    @Override
    public void delivered(Delivery d) {
      BitSet seqs = seen.computeIfAbsent(d.message().origin(), o -> new BitSet());
      int seq = Math.toIntExact(d.message().seq());
      if (seqs.get(seq)) {
        mesh.duplicates.incrementAndGet();
      }
      seqs.set(seq);
      // shown before its head: the delivery says so (a counter read here did not: a store that
      // outlives the process hands a burst's deliveries over after its commit, docs/benchmarks.md,
      // session 32)
      boolean wasEarly = d.early();
      long stamp = parseStamp(d.message().text());
      if (stamp > 0 && mesh.recording) {
        // a warm-up message (stamped before the recorded stretch) is recorded the same way, into
        // figures of its own that nobody reads: the path is the same before and after the
        // stretch's start, so nothing in it is compiled again there (see latency)
        Recorded r = mesh.recorded[(int) ((stamp - mesh.recordFrom) >>> 63)];
        long latency = Math.max(0, System.nanoTime() - stamp);
        r.all.recordValue(latency);
        count(d.catchUp(), r.viaSync);
        count(d.incomplete(), r.incomplete);
        count(d.late(), r.late);
        if (mesh.breakdown != null) {
          keep(mesh.index.getOrDefault(d.message().origin(), -1), seq, stamp, latency, wasEarly);
        }
        if (!d.message().origin().equals(self)) {
          r.remote.recordValue(latency);
          (wasEarly ? r.remoteEarly : r.remoteSigned).recordValue(latency);
        } else {
          r.local.recordValue(latency);
        }
      }
      if (++delivered == target) {
        mesh.allDelivered.countDown();
      }
    }

    private static void count(boolean yes, AtomicLong into) {
      if (yes) {
        into.incrementAndGet();
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
