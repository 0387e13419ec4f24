package meshchat.testkit.time;

import java.util.PriorityQueue;

/**
 * A virtual clock and its event queue: a priority queue of (time, sequence number, task). Ties in
 * time run in the order they were scheduled, so the same inputs always run in the same order
 * (FoundationDB-style deterministic simulation). Single-threaded: tasks run on the caller of {@link
 * #runUntil}.
 */
public final class EventQueue {
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long nextSeq;
  private long executed;

  /** A scheduled task; {@link #cancel} makes it a no-op that stays queued until its time. */
  public static final class Event implements Comparable<Event> {
    private final long time;
    private final long seq;
    private final Runnable task;
    private boolean cancelled;

    private Event(long time, long seq, Runnable task) {
      this.time = time;
      this.seq = seq;
      this.task = task;
    }

    public void cancel() {
      cancelled = true;
    }

    public long time() {
      return time;
    }

    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** Virtual milliseconds since the start of the run. */
  public long now() {
    return now;
  }

  /** Runs {@code task} at virtual time {@code time}, or now if that is in the past. */
  public Event at(long time, Runnable task) {
    Event e = new Event(Math.max(time, now), nextSeq++, task);
    queue.add(e);
    return e;
  }

  public Event after(long delayMs, Runnable task) {
    return at(now + Math.max(0, delayMs), task);
  }

  /** Runs every event due at or before {@code time}, then sets the clock to {@code time}. */
  public void runUntil(long time) {
    while (!queue.isEmpty() && queue.peek().time <= time) {
      Event e = queue.poll();
      now = e.time;
      if (!e.cancelled) {
        executed++;
        e.task.run();
      }
    }
    now = Math.max(now, time);
  }

  public int pending() {
    return queue.size();
  }

  /** Tasks run so far (cancelled ones excluded): a cost measure for the scale report. */
  public long executed() {
    return executed;
  }
}
