package meshchat.peer.link.netty;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.limit.PairingShares;

/**
 * Where a private room's J-PAKE rounds for incoming connections are computed: off the room thread
 * (session 30). Each round is milliseconds of 2048-bit modular exponentiation (round 1 four of
 * them, round 2's check and answer about as many), and round 1 went out as soon as a TCP connection
 * was accepted, before TLS had authenticated anything: a stranger opening connections (up to the
 * accept budget's burst of 256) made the room thread, which also delivers every chat line, spend a
 * second or more on them. Now the links' handlers hand each round to a small pool shared by the
 * process ({@link #POOL}: one thread a core pair, idle ones end), and at most {@link #MAX_PENDING}
 * rounds of one peer's connections wait or run there at once, at most {@link #NETWORK_SHARE} of
 * them from one network (session 31: {@link PairingShares}); a connection that would be one more is
 * refused at once ({@code Close{LIMIT_EXCEEDED, "busy pairing; try again later"}}, counted {@code
 * pake_busy_refused}), so what a flood can hold is bounded and the room thread spends nothing on it
 * but the accept. A round whose connection closed while it waited is skipped.
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

  /** Of those, what one network may hold ({@code NetGroup}: a public IPv4 /16 or IPv6 /32). */
  public static final int NETWORK_SHARE = PairingShares.shareOf(MAX_PENDING);

  private static final AtomicInteger HIGHEST_NETWORK = new AtomicInteger();
  private static final AtomicLong ADMITTED = new AtomicLong();

  private final PairingShares shares; // guarded by itself
  private final Executor pool;

  PakeGate() {
    this(MAX_PENDING, POOL);
  }

  PakeGate(int max, Executor pool) {
    this.shares = new PairingShares(max, PairingShares.shareOf(max));
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
   * Runs {@code work} on the pool unless this peer's rounds, or those of {@code network} (the other
   * end's {@code NetGroup}), are at their bound: false then, and nothing runs. {@code work} must
   * hand its result back to the link's own thread.
   */
  boolean submit(String network, Runnable work) {
    synchronized (shares) {
      if (!shares.take(network)) {
        return false;
      }
      HIGHEST.accumulateAndGet(shares.total(), Math::max);
      HIGHEST_NETWORK.accumulateAndGet(shares.held(network), Math::max);
    }
    ADMITTED.incrementAndGet();
    try {
      pool.execute(
          () -> {
            try {
              work.run();
            } finally {
              release(network);
            }
          });
      return true;
    } catch (RuntimeException rejected) { // the process's queue is full
      release(network);
      return false;
    }
  }

  private void release(String network) {
    synchronized (shares) {
      shares.release(network);
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

  /** The most rounds of one network one peer ever had waiting or running at once, here. */
  public static int highestPendingOfOneNetwork() {
    return HIGHEST_NETWORK.get();
  }

  /** Rounds any gate of this process took on so far (for tests). */
  public static long admitted() {
    return ADMITTED.get();
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
