package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.peer.store.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fsyncs of own commits ({@link StoreSync}): the test thread plays the room thread, whose tasks
 * it runs only when it says so, and the store's fsync blocks until released.
 */
class StoreSyncTest {
  private final ExecutorService storeThreads = Executors.newCachedThreadPool();
  private final Queue<Runnable> roomTasks = new ArrayDeque<>(); // guarded by itself
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final AtomicInteger syncsBegun = new AtomicInteger();
  private final CountDownLatch firstMayEnd = new CountDownLatch(1);
  private volatile boolean firstFails;

  private final MessageStore store =
      (MessageStore)
          Proxy.newProxyInstance(
              MessageStore.class.getClassLoader(),
              new Class<?>[] {MessageStore.class},
              (proxy, method, args) -> {
                if (!method.getName().equals("sync")) {
                  throw new UnsupportedOperationException(method.getName());
                }
                if (syncsBegun.incrementAndGet() == 1) {
                  firstMayEnd.await(10, TimeUnit.SECONDS);
                  if (firstFails) {
                    throw new IllegalStateException("disk gone");
                  }
                }
                return null;
              });

  private final StoreSync sync =
      new StoreSync(
          store,
          storeThreads,
          task -> {
            synchronized (roomTasks) {
              roomTasks.add(task);
            }
          },
          new StoreSync.Outcome() {
            @Override
            public void durableThrough(long commit) {
              heard.add("durable " + commit);
            }

            @Override
            public void failedThrough(long commit, RuntimeException e) {
              heard.add("failed " + commit);
            }
          });

  @AfterEach
  void close() {
    firstMayEnd.countDown();
    storeThreads.shutdownNow();
  }

  private void runRoomTasks() {
    while (true) {
      Runnable r;
      synchronized (roomTasks) {
        r = roomTasks.poll();
      }
      if (r == null) {
        return;
      }
      r.run();
    }
  }

  /**
   * The split the latency bench reports (docs/benchmarks.md, session 37): every fsync is timed
   * once, and every commit's wait once, when the room thread hears of it, whether one fsync covered
   * it or it waited behind another.
   */
  @Test
  void eachFsyncAndEachCommitsWaitIsTimedOnce() {
    sync.request(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> syncsBegun.get() == 1);
    sync.request(2);
    sync.request(3);
    assertThat(sync.durableLatency().snapshot().count()).as("none reported yet").isZero();
    firstMayEnd.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              runRoomTasks();
              return heard.contains("durable 3");
            });
    assertThat(syncsBegun).hasValue(2);
    assertThat(sync.fsyncLatency().snapshot().count()).as("one per fsync").isEqualTo(2);
    assertThat(sync.durableLatency().snapshot().count()).as("one per commit").isEqualTo(3);
  }

  /**
   * A commit made while an fsync runs gets the next fsync as soon as that one ends, on the store
   * thread, before the room thread has run anything: waking the room thread and then a store thread
   * between two fsyncs put two thread wakeups into an own line's latency (docs/benchmarks.md,
   * session 28). Still one fsync at a time, and the outcomes in order.
   */
  @Test
  void aCommitMadeWhileAnFsyncRunsGetsTheNextOneWithoutTheRoomThread() {
    sync.request(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> syncsBegun.get() == 1);
    sync.request(2);
    sync.request(3); // shares the next fsync with commit 2
    assertThat(syncsBegun).as("one fsync at a time").hasValue(1);
    assertThat(sync.busy()).isTrue();

    firstMayEnd.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("the second fsync began with no room task run")
        .until(() -> syncsBegun.get() == 2);
    assertThat(heard).as("nothing reported off the room thread").isEmpty();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              runRoomTasks();
              return heard.contains("durable 3");
            });
    assertThat(heard).containsAnyOf("durable 1", "durable 3").last().isEqualTo("durable 3");
    assertThat(syncsBegun).as("commits 2 and 3 shared one fsync").hasValue(2);
    assertThat(sync.busy()).isFalse();
  }

  /**
   * A failed fsync is heard before any later success, and the next fsync waits for the room thread
   * to hear it: reported the other way round, the failed commit's lines would be shown as durable.
   */
  @Test
  void afterAFailedFsyncTheNextWaitsUntilTheRoomHasHeardIt() {
    firstFails = true;
    sync.request(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> syncsBegun.get() == 1);
    sync.request(2);
    firstMayEnd.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              synchronized (roomTasks) {
                return !roomTasks.isEmpty();
              }
            });
    assertThat(syncsBegun).as("no fsync before the failure is heard").hasValue(1);
    sync.poll(); // a burst's end meanwhile reports nothing
    assertThat(heard).isEmpty();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              runRoomTasks();
              return heard.contains("durable 2");
            });
    assertThat(heard).containsExactly("failed 1", "durable 2");
    assertThat(sync.busy()).isFalse();
  }
}
