package meshchat.peer.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.store.MessageStore;
import meshchat.tracker.metrics.LatencyHistogram;

/**
 * The fsync that makes a burst's own messages survive a power cut, run on a store thread so that
 * the room thread goes on meanwhile: other peers' messages are delivered and relayed, and lines
 * typed meanwhile are staged and committed for the next fsync. At most one fsync per node runs at a
 * time; one fsync covers every commit done before it began, so commits made while one runs share
 * the next (group commit across the fsync). That next fsync starts on the store thread as soon as
 * the running one ends, with no round trip through the room thread: the commits it covers were
 * waiting for the disk, and waking the room thread and then a store thread again between two fsyncs
 * put two thread wakeups into their latency (docs/benchmarks.md, session 28). Outcomes are reported
 * back on the room thread, in order: by a task queued when an fsync ends, or sooner by {@link
 * #poll} at the next burst's end, so a room thread with a long queue (a piped backlog) does not
 * hold durable lines back until the queue has drained. After a failed fsync no other starts until
 * the room thread has heard of the failure: a later success must not report the failed commits
 * durable first. Room thread only, but for the fsyncs themselves.
 */
final class StoreSync {
  /** What the room hears: the commits up to a number are durable, or their fsync failed. */
  interface Outcome {
    void durableThrough(long commit);

    void failedThrough(long commit, RuntimeException e);
  }

  private final MessageStore store;
  private final Executor storeThread;
  private final Executor roomThread;
  private final Outcome outcome;
  // the newest commit that waits for an fsync not begun yet, or 0 (room thread sets, store takes)
  private final AtomicLong wanted = new AtomicLong();
  // a store thread runs fsyncs (or one is queued to); cleared by it when nothing is wanted, or by
  // the room thread once it has heard of a failure
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long synced; // the newest commit an fsync covered (written by the store thread)
  private long requested; // the newest commit that asked for an fsync (room thread)
  private long reported; // the newest commit reported durable or failed (room thread)
  // each fsync's own time (the store thread's call), and each commit's wait from its request to its
  // report on the room thread (the fsync, the previous one it waited for, both threads' wakeups):
  // the split of an own line's wait that the bench reports (docs/benchmarks.md, session 37)
  private final LatencyHistogram fsyncs = new LatencyHistogram();
  private final LatencyHistogram waits = new LatencyHistogram();
  // commits requested and not yet reported, oldest first: {number, when requested} (room thread)
  private final ArrayDeque<long[]> asked = new ArrayDeque<>();

  StoreSync(MessageStore store, Executor storeThread, Executor roomThread, Outcome outcome) {
    this.store = store;
    this.storeThread = storeThread;
    this.roomThread = roomThread;
    this.outcome = outcome;
  }

  /** The commit numbered {@code commit} (by {@code Room.committed}) needs its fsync. */
  void request(long commit) {
    if (commit > requested) {
      asked.add(new long[] {commit, System.nanoTime()});
    }
    requested = Math.max(requested, commit);
    wanted.accumulateAndGet(commit, Math::max);
    if (running.compareAndSet(false, true)) {
      start();
    }
  }

  /** Whether a commit still waits for its fsync (running, queued, or done and not reported). */
  boolean busy() {
    return requested > reported;
  }

  private void start() {
    try {
      storeThread.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain(); // the store threads are shutting down: the node is closing, sync here
    }
  }

  /** Store thread: fsyncs while commits want one, each covering every commit wanted before it. */
  private void drain() {
    while (true) {
      long covers = wanted.getAndSet(0);
      if (covers == 0) {
        running.set(false);
        // a request made between the two lines above saw a runner and left its commit to it
        if (wanted.get() != 0 && running.compareAndSet(false, true)) {
          continue;
        }
        return;
      }
      long began = System.nanoTime();
      try {
        store.sync();
      } catch (RuntimeException e) {
        roomThread.execute(() -> failed(covers, e)); // runner kept until the room has heard
        return;
      } finally {
        fsyncs.record(System.nanoTime() - began);
      }
      synced = covers;
      roomThread.execute(this::poll); // unless a burst's end reported it already
    }
  }

  /** Reports the commits an fsync made durable since the last report. */
  void poll() {
    long s = synced;
    if (s > reported) {
      reported = s;
      waited(s);
      outcome.durableThrough(s);
    }
  }

  /** Each commit up to {@code through}, reported now: its wait since it was requested. */
  private void waited(long through) {
    long now = System.nanoTime();
    while (!asked.isEmpty() && asked.peek()[0] <= through) {
      waits.record(now - asked.poll()[1]);
    }
  }

  /** How long each fsync took on the store thread (failed ones too). */
  LatencyHistogram fsyncLatency() {
    return fsyncs;
  }

  /**
   * How long each commit of own messages waited from its request until its fsync was reported to
   * the room thread (durable or failed).
   */
  LatencyHistogram durableLatency() {
    return waits;
  }

  private void failed(long covers, RuntimeException e) {
    poll(); // commits an earlier fsync covered are durable
    reported = Math.max(reported, covers);
    waited(covers);
    outcome.failedThrough(covers, e);
    running.set(false);
    if (wanted.get() != 0 && running.compareAndSet(false, true)) {
      start();
    }
  }
}
