package meshchat.testkit.time;

import java.util.function.BooleanSupplier;
import meshchat.peer.room.Scheduler;

/**
 * One peer's view of the shared {@link EventQueue}, as the core's {@link Scheduler}. A crash must
 * silence every timer of the crashed incarnation, so each task is guarded by {@code alive}: a timer
 * set by an incarnation that has since crashed never fires, even after a restart.
 */
public final class PeerScheduler implements Scheduler {
  private final EventQueue queue;
  private final BooleanSupplier alive;

  public PeerScheduler(EventQueue queue, BooleanSupplier alive) {
    this.queue = queue;
    this.alive = alive;
  }

  @Override
  public long nowMillis() {
    return queue.now();
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    EventQueue.Event e =
        queue.after(
            delayMillis,
            () -> {
              if (alive.getAsBoolean()) {
                task.run();
              }
            });
    return e::cancel;
  }
}
