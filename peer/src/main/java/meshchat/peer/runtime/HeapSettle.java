package meshchat.peer.runtime;

import java.util.concurrent.CompletableFuture;
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
 */
public final class HeapSettle {
  private static final HeapSettle JVM = new HeapSettle(System::gc);

  private final Runnable collect;
  private final AtomicBoolean begun = new AtomicBoolean();
  private final CompletableFuture<Void> settled = new CompletableFuture<>();

  HeapSettle(Runnable collect) {
    this.collect = collect;
  }

  /** The JVM's one instance. */
  public static HeapSettle jvm() {
    return JVM;
  }

  /**
   * A link is up: the first call begins the collection on a thread of its own; later ones return.
   */
  public void linkUp() {
    if (!begun.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
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

  /** Completes once the collection has run. */
  public CompletableFuture<Void> settled() {
    return settled;
  }
}
