package meshchat.testkit.check;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs {@code task(0..n-1)} on up to {@code threads} threads, the caller's among them, and returns
 * once every one has run. Each task writes only what is its own (a slot of an array the caller
 * merges in index order afterwards), so what a caller makes of the results does not depend on which
 * thread ran which task, or when.
 */
final class Split {
  private Split() {}

  static void run(int n, int threads, IntConsumer task) {
    int helpers = Math.min(threads, n) - 1;
    if (helpers <= 0) {
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable work =
        () -> {
          try {
            for (int i; (i = next.getAndIncrement()) < n; ) {
              task.accept(i);
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
            next.set(n); // the others stop taking tasks
          }
        };
    Thread[] others = new Thread[helpers];
    for (int k = 0; k < helpers; k++) {
      others[k] = new Thread(work, "check-" + (k + 1));
      others[k].setDaemon(true);
      others[k].start();
    }
    work.run();
    for (Thread t : others) {
      boolean interrupted = false;
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the tasks must end before their results are read
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    Throwable t = failure.get();
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
  }
}
