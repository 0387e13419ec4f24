package meshchat.peer.room;

/**
 * Time and timers, injected into the core. Production runs tasks on the room's event loop; the
 * simulation runs them in virtual time. Tasks always run on the room's one thread.
 */
public interface Scheduler {
  /** Monotonic milliseconds; only differences are meaningful. */
  long nowMillis();

  Cancellable schedule(long delayMillis, Runnable task);

  interface Cancellable {
    void cancel();
  }
}
