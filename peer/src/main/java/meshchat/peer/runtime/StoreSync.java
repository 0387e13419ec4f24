package meshchat.peer.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import meshchat.peer.store.MessageStore;

/**
 * The fsync that makes a burst's own messages survive a power cut, run on a store thread so that
 * the room thread goes on meanwhile: other peers' messages are delivered and relayed, and lines
 * typed meanwhile are staged and committed for the next fsync. At most one fsync per node runs at a
 * time; one fsync covers every commit done before it began, so commits made while one runs share
 * the next (group commit across the fsync). Its outcome is reported back on the room thread, in
 * order: by a task queued when it ends, or sooner by {@link #poll} at the next burst's end, so a
 * room thread with a long queue (a piped backlog) does not hold durable lines back until the queue
 * has drained. Room thread only, but for the fsync itself.
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
  private long running; // the commit number the running fsync covers, or 0 if none runs
  private long wanted; // the newest commit that waits for an fsync
  private long reported; // the newest commit reported durable or failed
  private volatile long synced; // the newest commit an fsync covered (written by the store thread)

  StoreSync(MessageStore store, Executor storeThread, Executor roomThread, Outcome outcome) {
    this.store = store;
    this.storeThread = storeThread;
    this.roomThread = roomThread;
    this.outcome = outcome;
  }

  /** The commit numbered {@code commit} (by {@code Room.committed}) needs its fsync. */
  void request(long commit) {
    wanted = Math.max(wanted, commit);
    if (running == 0) {
      start();
    }
  }

  /** Whether a commit still waits for its fsync (running or queued). */
  boolean busy() {
    return running != 0 || wanted != 0;
  }

  private void start() {
    long covers = wanted;
    wanted = 0;
    running = covers;
    Runnable fsync =
        () -> {
          RuntimeException failed = null;
          try {
            store.sync();
            synced = covers;
          } catch (RuntimeException e) {
            failed = e;
          }
          RuntimeException f = failed;
          roomThread.execute(() -> done(covers, f));
        };
    try {
      storeThread.execute(fsync);
    } catch (RejectedExecutionException e) {
      fsync.run(); // the store threads are shutting down: the node is closing, sync here
    }
  }

  /** Reports the commits an fsync made durable since the last report, and starts the next one. */
  void poll() {
    long s = synced;
    if (s > reported) {
      reported = s;
      if (running == s) {
        running = 0;
      }
      outcome.durableThrough(s);
    }
    if (running == 0 && wanted != 0) {
      start();
    }
  }

  private void done(long covers, RuntimeException failed) {
    if (failed == null) {
      poll(); // unless a burst's end reported it already
      return;
    }
    if (running == covers) {
      running = 0;
    }
    reported = Math.max(reported, covers);
    outcome.failedThrough(covers, failed);
    if (running == 0 && wanted != 0) {
      start();
    }
  }
}
