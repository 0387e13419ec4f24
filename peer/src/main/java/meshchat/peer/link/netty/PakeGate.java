package meshchat.peer.link.netty;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a private room's J-PAKE rounds for incoming connections are computed: off the room thread
 * (session 30). Each round is milliseconds of 2048-bit modular exponentiation (round 1 four of
 * them, round 2's check and answer about as many), and round 1 went out as soon as a TCP connection
 * was accepted, before TLS had authenticated anything: a stranger opening connections (up to the
 * accept budget's burst of 256) made the room thread, which also delivers every chat line, spend a
 * second or more on them. Now the links' handlers hand each round to a small pool shared by the
 * process ({@link #POOL}: one thread a core pair, idle ones end), and at most {@link #MAX_PENDING}
 * rounds of one peer's connections wait or run there at once; a connection that would be one more
 * is refused at once ({@code Close{LIMIT_EXCEEDED, "busy pairing; try again later"}}, counted
 * {@code pake_busy_refused}), so what a flood can hold is bounded and the room thread spends
 * nothing on it but the accept. A round whose connection closed while it waited is skipped.
 *
 * <p>Links this peer dials run theirs on the same pool, through a gate of their own (session 31:
 * they ran on the room thread, so a peer we dial, one a tracker or a neighbour named, could make
 * the room spend its rounds' milliseconds for every dial; and a flood of accepts must not refuse
 * our own dials). Harnesses without TLS (EmbeddedChannel tests, the fuzzer) have no gate and run
 * every round inline.
 */
public final class PakeGate {
  /** Rounds of one peer's connections (incoming, or dialed) waiting or running at once. */
  public static final int MAX_PENDING = 32;

  /** The process's pairing threads: half the cores (one on a 2-core box), none while idle. */
  static final ThreadPoolExecutor POOL =
      pool(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));

  private static final AtomicInteger HIGHEST = new AtomicInteger();
  private static final AtomicLong COMPUTED = new AtomicLong();
  private static final AtomicLong COMPUTED_DIALED = new AtomicLong();

  private final AtomicInteger pending = new AtomicInteger();
  private final int max;
  private final Executor pool;

  PakeGate() {
    this(MAX_PENDING, POOL);
  }

  PakeGate(int max, Executor pool) {
    this.max = max;
    this.pool = pool;
  }

  private static ThreadPoolExecutor pool(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            threads,
            threads,
            10,
            TimeUnit.SECONDS,
            // each peer's share is bounded by its gate; this bounds the process's in all
            new ArrayBlockingQueue<>(4_096),
            r -> {
              Thread t = new Thread(r, "peer-pake-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  /**
   * Runs {@code work} on the pool unless this peer's rounds are at their bound: false then, and
   * nothing runs. {@code work} must hand its result back to the link's own thread.
   */
  boolean submit(Runnable work) {
    int now = pending.incrementAndGet();
    if (now > max) {
      pending.decrementAndGet();
      return false;
    }
    HIGHEST.accumulateAndGet(now, Math::max);
    try {
      pool.execute(
          () -> {
            try {
              work.run();
            } finally {
              pending.decrementAndGet();
            }
          });
      return true;
    } catch (RuntimeException rejected) { // the process's queue is full
      pending.decrementAndGet();
      return false;
    }
  }

  /** Counts a round computed on the pool (for tests and the docs' figures). */
  static void computed(boolean dialed) {
    COMPUTED.incrementAndGet();
    if (dialed) {
      COMPUTED_DIALED.incrementAndGet();
    }
  }

  /** Rounds of links a peer dialed computed on the pool so far, in this process. */
  public static long dialedRoundsComputed() {
    return COMPUTED_DIALED.get();
  }

  /** The most rounds one peer ever had waiting or running at once, in this process. */
  public static int highestPending() {
    return HIGHEST.get();
  }

  /** Rounds computed on the pool so far, in this process. */
  public static long roundsComputed() {
    return COMPUTED.get();
  }
}
