package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import org.junit.jupiter.api.Test;

/**
 * The start's state is made old by one collection per JVM, begun by the first link up, on a thread
 * of its own: never on the room thread that reports the link, never twice.
 */
class HeapSettleTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void manyLinksUpOnManyThreadsCollectOnceOnAThreadOfItsOwn() throws Exception {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    HeapSettle settle = new HeapSettle(() -> ranOn.add(Thread.currentThread().getName()));
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> rooms = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                settle.linkUp();
                settle.linkUp();
              },
              "room-" + i);
      rooms.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : rooms) {
      t.join(WAIT.toMillis());
    }
    settle.settled().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    settle.linkUp(); // after it ran, too
    assertThat(ranOn).containsExactly("heap-settle");
  }

  @Test
  void aFailedCollectionIsReportedAndNeverThrownAtTheRoomThread() {
    HeapSettle settle =
        new HeapSettle(
            () -> {
              throw new IllegalStateException("no");
            });
    settle.linkUp(); // returns: the room thread never sees the failure
    await().atMost(WAIT).until(() -> settle.settled().isDone());
    assertThat(settle.settled()).isCompletedExceptionally();
  }

  @Test
  void twoRealPeersLinkedSettleTheJvm() {
    try (LoopbackCluster mesh = new LoopbackCluster(42).startTracker()) {
      mesh.startAll(2);
      await().atMost(WAIT).until(() -> mesh.node(0).linkCount() == 1);
      CompletableFuture<Void> settled = HeapSettle.jvm().settled();
      await().atMost(WAIT).until(settled::isDone);
      assertThat(settled).isCompleted();
    }
  }
}
