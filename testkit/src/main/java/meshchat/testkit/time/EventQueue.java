package meshchat.testkit.time;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A virtual clock and its event queue. Ties in time run in the order they were scheduled, so the
 * same inputs always run in the same order (FoundationDB-style deterministic simulation).
 * Single-threaded: tasks run on the caller of {@link #runUntil}.
 *
 * <p>Time is whole milliseconds and a busy run has thousands of events per millisecond, so events
 * sit in one FIFO bucket per millisecond and only the distinct times are kept in a heap (a calendar
 * queue, Brown 1988, in its simplest form). This is the same order as one priority queue of (time,
 * sequence number) with far fewer comparisons (docs/decisions/0001-calendar-queue.md).
 */
public final class EventQueue {
  private final Map<Long, ArrayDeque<Event>> buckets = new HashMap<>();
  private long[] times = new long[64]; // a binary min-heap of the times that have a bucket
  private int timeCount;
  private int pending;
  private long now;
  private long executed;

  /** A scheduled task; {@link #cancel} makes it a no-op that stays queued until its time. */
  public static final class Event {
    private final long time;
    private final Runnable task;
    private boolean cancelled;

    private Event(long time, Runnable task) {
      this.time = time;
      this.task = task;
    }

    public void cancel() {
      cancelled = true;
    }

    public long time() {
      return time;
    }
  }

  /** Virtual milliseconds since the start of the run. */
  public long now() {
    return now;
  }

  /** Runs {@code task} at virtual time {@code time}, or now if that is in the past. */
  public Event at(long time, Runnable task) {
    Event e = new Event(Math.max(time, now), task);
    ArrayDeque<Event> bucket = buckets.get(e.time);
    if (bucket == null) {
      bucket = new ArrayDeque<>();
      buckets.put(e.time, bucket);
      push(e.time);
    }
    bucket.add(e);
    pending++;
    return e;
  }

  public Event after(long delayMs, Runnable task) {
    return at(now + Math.max(0, delayMs), task);
  }

  /** Runs every event due at or before {@code time}, then sets the clock to {@code time}. */
  public void runUntil(long time) {
    while (timeCount > 0 && times[0] <= time) {
      long t = times[0];
      now = t;
      // tasks may add to this very bucket (a zero delay): it stays in the map until drained
      ArrayDeque<Event> bucket = buckets.get(t);
      Event e;
      while ((e = bucket.poll()) != null) {
        pending--;
        if (!e.cancelled) {
          executed++;
          e.task.run();
        }
      }
      buckets.remove(t);
      popMin();
    }
    now = Math.max(now, time);
  }

  public int pending() {
    return pending;
  }

  /** Tasks run so far (cancelled ones excluded): a cost measure for the scale report. */
  public long executed() {
    return executed;
  }

  private void push(long t) {
    if (timeCount == times.length) {
      times = Arrays.copyOf(times, timeCount * 2);
    }
    int i = timeCount++;
    while (i > 0 && times[(i - 1) / 2] > t) {
      times[i] = times[(i - 1) / 2];
      i = (i - 1) / 2;
    }
    times[i] = t;
  }

  private void popMin() {
    long last = times[--timeCount];
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= timeCount) {
        break;
      }
      if (c + 1 < timeCount && times[c + 1] < times[c]) {
        c++;
      }
      if (times[c] >= last) {
        break;
      }
      times[i] = times[c];
      i = c;
    }
    if (timeCount > 0) {
      times[i] = last;
    }
  }
}
