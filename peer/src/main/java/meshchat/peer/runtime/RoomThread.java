package meshchat.peer.runtime;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import meshchat.peer.room.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread a peer's room, membership and their adapters run on, and every hop onto it: tasks
 * run in the order queued, so the room needs no locks (MicroRaft's RaftNodeExecutor model). Its
 * time is the event loop's ticker, the one its timers run by.
 */
public final class RoomThread implements Executor {
  private static final Logger log = LoggerFactory.getLogger(RoomThread.class);

  private final EventLoop loop;
  private final String tag;
  private boolean stopped; // room thread only

  public RoomThread(EventLoop loop, String tag) {
    this.loop = loop;
    this.tag = tag;
  }

  /** Queues {@code task} after what is already queued. */
  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  /**
   * Runs {@code task} at once if called on the room thread (a link's event: the links run on it),
   * else queues it after what is already queued.
   */
  void runHere(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /**
   * Runs {@code task} on the room thread (at once if called there) and completes with its value.
   */
  <T> CompletableFuture<T> call(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Runnable r =
        () -> {
          try {
            f.complete(task.call());
          } catch (Throwable e) {
            log.warn("{} room task failed", tag, e);
            f.completeExceptionally(e);
          }
        };
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
    return f;
  }

  void schedule(Runnable task, long delayMillis) {
    loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** The room's {@link Scheduler}: timers on this thread, time from its ticker. */
  public Scheduler scheduler() {
    return new Scheduler() {
      @Override
      public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime());
      }

      @Override
      public Cancellable schedule(long delayMillis, Runnable task) {
        var f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }
    };
  }

  /** The event loop's ticker: what its scheduled tasks run by. */
  public long nanoTime() {
    return ticker().nanoTime();
  }

  private Ticker ticker() {
    return loop instanceof AbstractScheduledEventExecutor e ? e.ticker() : Ticker.systemTicker();
  }

  /** The loop itself, for adapters that schedule on it (the tracker sessions) and the links. */
  public EventLoop loop() {
    return loop;
  }

  /** From now on the node takes no more input: it is closing or crashing. Room thread only. */
  void stop() {
    stopped = true;
  }

  public boolean stopped() {
    return stopped;
  }
}
