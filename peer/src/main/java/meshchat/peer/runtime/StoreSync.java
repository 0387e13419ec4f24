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
 * order. Room thread only, but for the fsync itself.
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

  private void done(long covers, RuntimeException failed) {
    running = 0;
    if (failed == null) {
      outcome.durableThrough(covers);
    } else {
      outcome.failedThrough(covers, failed);
    }
    if (wanted != 0) {
      start();
    }
  }
}
