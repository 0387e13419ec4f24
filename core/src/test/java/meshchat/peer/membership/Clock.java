package meshchat.peer.membership;

import java.util.Comparator;
import java.util.PriorityQueue;
import meshchat.peer.room.Scheduler;

/** Virtual time: nothing runs until the test advances it; ties run in scheduling order. */
final class Clock implements Scheduler {
  private record Task(long at, long order, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.comparingLong(Task::at).thenComparingLong(Task::order));
  private long now;
  private long order;

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now + Math.max(0, delayMillis), order++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Runs every timer due up to {@code now + ms}, including those they schedule. */
  void advance(long ms) {
    long until = now + ms;
    while (!tasks.isEmpty() && tasks.peek().at() <= until) {
      Task t = tasks.poll();
      now = Math.max(now, t.at());
      if (!t.cancelled()[0]) {
        t.run().run();
      }
    }
    now = until;
  }
}
