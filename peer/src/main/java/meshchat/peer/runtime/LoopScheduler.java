package meshchat.peer.runtime;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import meshchat.peer.room.Scheduler;

/** The room's {@link Scheduler} on its event loop: timers run on the room thread. */
final class LoopScheduler implements Scheduler {
  private final EventExecutor loop;

  LoopScheduler(EventExecutor loop) {
    this.loop = loop;
  }

  @Override
  public long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    var f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }
}
