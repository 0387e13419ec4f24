package meshchat.peer.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One full collection per JVM, once a first link is up, so that what the start left live is old
 * from then on.
 *
 * <p>A young collection copies every live young object, and copies it again at every young
 * collection until the object is old: with G1's and the serial collector's default tenuring that is
 * up to 15 times. What a JVM holds once a peer runs and a first link is up (the loaded classes'
 * statics, the JDK's and Netty's caches, TLS, Bouncy Castle's tables: 9-10 MB in {@code bench chat}
 * with five peers) lives as long as the process, and it was most of what each young pause of the
 * latency cell copied: 8.8 MB at every pause for the whole run (docs/benchmarks.md, session 17). A
 * full collection moves it to the old generation in one go; later young pauses copy only what is
 * young (1-2 MB of messages in flight). The collection runs on a thread of its own, never on a room
 * or I/O thread, and once per JVM, however many peers it runs. {@code -XX:+DisableExplicitGC} turns
 * it into nothing.
 *
 * <p>A peer whose first link brings a catch-up {@linkplain #hold holds} the collection until the
 * catch-up is over (at most {@link #HOLD_MAX_MS}): the collection stops every thread (25-30 ms with
 * a peer's flags), and at the first link it fell just where the two digests cross, before the first
 * request, a whole stop of a 100,000-message catch-up's ~0.9 s (docs/benchmarks.md, session 19).
 * After the catch-up the state it leaves is made old too. The collection begins {@link #GRACE_MS}
 * after the first link up, so that the JVM's other peers, whose first links come up in the same
 * moment (a bench's), may hold it too.
 */
public final class HeapSettle {
  /** How long after the first link up the collection waits for holds from the JVM's other peers. */
  static final long GRACE_MS = 20;

  /** The longest a hold delays the collection (a catch-up of a few million messages). */
  static final long HOLD_MAX_MS = 10_000;

  private static final HeapSettle JVM = new HeapSettle(System::gc, GRACE_MS, HOLD_MAX_MS);

  private final Runnable collect;
  private final long graceMs;
  private final long holdMaxMs;
  private final AtomicBoolean begun = new AtomicBoolean();
  private final CompletableFuture<Void> settled = new CompletableFuture<>();
  private int holds; // guarded by this
  private boolean collecting; // guarded by this: past the wait, a hold no longer counts
  private boolean waiting; // guarded by this: the collection's thread waits for a hold's release

  HeapSettle(Runnable collect) {
    this(collect, GRACE_MS, HOLD_MAX_MS);
  }

  HeapSettle(Runnable collect, long graceMs, long holdMaxMs) {
    this.collect = collect;
    this.graceMs = graceMs;
    this.holdMaxMs = holdMaxMs;
  }

  /** The JVM's one instance. */
  public static HeapSettle jvm() {
    return JVM;
  }

  /**
   * A link is up: the first call begins the collection on a thread of its own, once no {@link
   * #hold} is left (or the longest hold is over); later calls return.
   */
  public void linkUp() {
    if (!begun.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                waitForHolds();
                collect.run();
                settled.complete(null);
              } catch (Throwable e) {
                settled.completeExceptionally(e);
              }
            },
            "heap-settle");
    t.setDaemon(true);
    t.start();
  }

  /**
   * A catch-up is on its way: the collection waits until {@link Hold#release}, for {@link
   * #HOLD_MAX_MS} at most. A hold taken once the collection began counts for nothing.
   */
  public synchronized Hold hold() {
    if (collecting) {
      return new Hold(null);
    }
    holds++;
    return new Hold(this);
  }

  private synchronized void released() {
    holds--;
    notifyAll();
  }

  private void waitForHolds() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs + holdMaxMs);
    try {
      Thread.sleep(graceMs);
      synchronized (this) {
        long left;
        while (holds > 0 && (left = deadline - System.nanoTime()) > 0) {
          waiting = true;
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // collect now
    } finally {
      synchronized (this) {
        collecting = true;
        waiting = false;
      }
    }
  }

  /** Holds not yet released (tests). */
  synchronized int holds() {
    return holds;
  }

  /**
   * Whether the collection's thread is past the grace and waiting for a hold to be released: until
   * one is, or the longest hold is over, it does not collect (tests wait for this, not for time).
   */
  synchronized boolean waitingForHolds() {
    return waiting && holds > 0;
  }

  /** Completes once the collection has run. */
  public CompletableFuture<Void> settled() {
    return settled;
  }

  /** One peer's hold on the collection; released once (later calls do nothing). */
  public static final class Hold {
    private HeapSettle of; // null once released

    private Hold(HeapSettle of) {
      this.of = of;
    }

    public void release() {
      HeapSettle h;
      synchronized (this) {
        h = of;
        of = null;
      }
      if (h != null) {
        h.released();
      }
    }
  }
}
