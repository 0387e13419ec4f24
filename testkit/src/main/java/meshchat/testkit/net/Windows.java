package meshchat.testkit.net;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import meshchat.fixture.net.SimNetwork;
import meshchat.fixture.time.EventQueue;

/**
 * The simulation's event loop: a conservative parallel discrete-event simulation (Chandy and Misra
 * 1979; windows of a lookahead as in Lubachevsky 1989). No message or handshake takes less than the
 * network's least delay L, so what one peer does in a window {@code [s, s + L)} cannot reach
 * another peer inside it: each peer runs its own queue through the window alone, on one of {@code
 * threads} threads, and whatever it does to others (arrivals, dials, closes, resets, the tracker,
 * the run's logs and metrics) waits in its outbox until the window's end, where the network applies
 * the outboxes peer by peer in index order ({@link SimNetwork#flush}). What is not one peer's (a
 * partition, a crash, a dial's handshake, a reset) runs alone between windows, on the run's queue,
 * and a window never spans one. So a run is the same event for event whatever the number of
 * threads: each peer's events run in its own (time, sequence) order, and everything between peers
 * happens in an order fixed by peer index and time alone.
 *
 * <p>The time between windows, when the run's queue and the outboxes are run, is serial, but for
 * the outboxes' arrivals and logs ({@link SimNetwork#flush(SimNetwork.Pair)}): between two effects
 * that must run alone (a dial, a close, a reset, the tracker), one thread puts the arrivals into
 * their receivers' queues while another writes the logs and metrics, each half in the order a
 * serial flush keeps. The threads wait parked (after a short spin), so a thread count above the
 * cores costs wakeups, not CPU.
 */
public final class Windows {
  private static final int SPINS = 1 << 12;
  private static final int PEERS = 0; // a window's peers, in chunks
  private static final int FLUSH = 1; // a split flush's two halves

  private final EventQueue global;
  private final SimNetwork network;
  private final PeerDirectory peers;
  private final int threads;

  // the window being run, read by a thread once it has claimed one of the generation's tasks
  private volatile int generation; // what the workers wait for
  private long windowLast; // the last millisecond of the window
  private int chunk;
  private int phase; // PEERS or FLUSH
  private int tasks; // the generation's tasks: chunks of peers, or FLUSH's two halves
  private Runnable flushFirst; // FLUSH's two halves
  private Runnable flushSecond;
  // the generation in the high 32 bits, the next task to claim in the low ones: a claim is a
  // compare-and-set of both, so a worker that wakes after its generation has ended claims nothing
  private final AtomicLong claims = new AtomicLong();
  private final AtomicInteger finished = new AtomicInteger(); // the generation's tasks run
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopping;
  private Thread main;
  private Thread[] workers = new Thread[0];
  private long windows;

  public Windows(EventQueue global, SimNetwork network, PeerDirectory peers, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    this.global = global;
    this.network = network;
    this.peers = peers;
    this.threads = threads;
  }

  /** Windows run so far: a cost measure (each ends in a serial merge). */
  public long windows() {
    return windows;
  }

  /** Tasks run so far, on every queue (cancelled ones excluded). */
  public long executed() {
    long n = global.executed();
    for (SimPeer p : peers.all()) {
      n += p.queue().executed();
    }
    return n;
  }

  /** Runs every event due at or before {@code time}, on every queue; every clock is then there. */
  public void runUntil(long time) {
    long lookahead = Math.max(1, network.minDelayMs());
    try {
      while (true) {
        long s = next();
        if (s > time) {
          break;
        }
        setClocks(s);
        global.runUntil(s); // what is no one peer's, alone: the peers' clocks are at s
        long end = Math.min(Math.min(plus(s, lookahead), global.nextTime()), plus(time, 1));
        runWindow(s, end - 1);
      }
      setClocks(time);
      global.runUntil(time);
    } finally {
      stopWorkers();
    }
  }

  private static long plus(long t, long d) {
    return t > Long.MAX_VALUE - d ? Long.MAX_VALUE : t + d;
  }

  /** The earliest event of any queue. */
  private long next() {
    long t = global.nextTime();
    for (SimPeer p : peers.all()) {
      t = Math.min(t, p.queue().nextTime());
    }
    return t;
  }

  private void setClocks(long t) {
    for (SimPeer p : peers.all()) {
      p.queue().advanceTo(t);
    }
  }

  /** Every peer's events in {@code [from, last]}, then their outboxes in peer order. */
  private void runWindow(long from, long last) {
    windows++;
    windowLast = last;
    int n = peers.size();
    network.deferring(true);
    try {
      if (threads == 1 || n < 2) {
        for (int i = 0; i < n; i++) {
          peers.get(i).queue().runUntil(last);
        }
      } else {
        chunk = Math.max(1, n / (threads * 8));
        startWorkers();
        dispatch(PEERS);
      }
    } finally {
      network.deferring(false);
    }
    global.runUntil(last); // nothing of its own is due in the window: its clock only
    if (threads > 1 && n >= 2) {
      // between the effects that must run alone, the arrivals into their receivers' queues on one
      // thread and the logs and metrics on another, each in the order flush() keeps
      network.flush(this::both);
    } else {
      network.flush();
    }
  }

  /** {@code first} and {@code second} on two of the threads, at once. */
  private void both(Runnable first, Runnable second) {
    flushFirst = first;
    flushSecond = second;
    try {
      dispatch(FLUSH);
    } finally {
      flushFirst = null;
      flushSecond = null;
    }
  }

  /**
   * Runs {@code what} on this thread and the workers, and returns once every one of its tasks has
   * run. It waits only for the tasks a worker has claimed, not for the workers themselves: a worker
   * still parked when this thread has claimed the last task (often, at a flush: the worker spun out
   * and parked through the serial part before it) is left asleep, where waiting for it to wake and
   * find nothing cost the run thread a wakeup per flush (docs/simulation.md, session 31).
   */
  private void dispatch(int what) {
    phase = what;
    tasks = what == PEERS ? (peers.size() + chunk - 1) / chunk : 2;
    finished.set(0);
    int g = ++generation;
    claims.set((long) g << 32); // publishes the window, the phase and the tasks
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    runTasks(g);
    int spins = 0;
    while (finished.get() < tasks) {
      if (spins++ < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
    Throwable t = failure.getAndSet(null);
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Claims and runs generation {@code g}'s tasks until none is left (or {@code g} is over). After a
   * failure the tasks left are claimed and counted, not run.
   */
  private void runTasks(int g) {
    while (true) {
      long v = claims.get();
      int k = (int) v;
      if ((int) (v >>> 32) != g || k >= tasks) {
        return;
      }
      if (!claims.compareAndSet(v, v + 1)) {
        continue;
      }
      try {
        if (failure.get() == null) {
          runTask(k);
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      } finally {
        if (finished.incrementAndGet() == tasks && Thread.currentThread() != main) {
          LockSupport.unpark(main);
        }
      }
    }
  }

  private void runTask(int k) {
    if (phase == PEERS) {
      int n = peers.size();
      long last = windowLast;
      for (int i = k * chunk, to = Math.min(n, i + chunk); i < to; i++) {
        peers.get(i).queue().runUntil(last);
      }
    } else {
      (k == 0 ? flushFirst : flushSecond).run();
    }
  }

  private void startWorkers() {
    if (workers.length == threads - 1) {
      return;
    }
    main = Thread.currentThread();
    stopping = false;
    workers = new Thread[threads - 1];
    int start = generation; // the next window is the first a worker runs
    for (int k = 0; k < workers.length; k++) {
      Thread w = new Thread(() -> work(start), "sim-window-" + (k + 1));
      w.setDaemon(true);
      workers[k] = w;
    }
    for (Thread w : workers) {
      w.start();
    }
  }

  private void stopWorkers() {
    if (workers.length == 0) {
      return;
    }
    stopping = true;
    generation++;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    workers = new Thread[0];
  }

  private void work(int seen) {
    while (true) {
      int spins = 0;
      int g;
      while ((g = generation) == seen) {
        if (spins++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = g;
      if (stopping) {
        return;
      }
      runTasks(g);
    }
  }
}
