package meshchat.peer.room;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Virtual time for tests: nothing runs until the test calls {@link #advance}. Timers due at the
 * same instant run in the order they were scheduled, so every run is the same.
 */
final class ManualScheduler implements Scheduler, InstantSource {
  private static final class Task implements Cancellable {
    final long at;
    final long order;
    final Runnable run;
    boolean cancelled;

    Task(long at, long order, Runnable run) {
      this.at = at;
      this.order = order;
      this.run = run;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          Comparator.comparingLong((Task t) -> t.at).thenComparingLong(t -> t.order));
  private long now;
  private long scheduled;

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(1_700_000_000_000L + now);
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    Task t = new Task(now + Math.max(0, delayMillis), scheduled++, task);
    tasks.add(t);
    return t;
  }

  /** Runs the next due timer at or before {@code until}; false if there is none. */
  boolean runNext(long until) {
    while (!tasks.isEmpty() && tasks.peek().at <= until) {
      Task t = tasks.poll();
      if (!t.cancelled) {
        now = Math.max(now, t.at);
        t.run.run();
        return true;
      }
    }
    return false;
  }

  /** Moves time forward by {@code millis}, running every timer that falls due on the way. */
  void advance(long millis) {
    long until = now + millis;
    while (runNext(until)) {
      // keep going: a timer may schedule another that is also due
    }
    now = until;
  }

  long pendingTimers() {
    return tasks.stream().filter(t -> !t.cancelled).count();
  }
}
