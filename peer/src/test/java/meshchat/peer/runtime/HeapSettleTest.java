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

  /** A peer whose first link brings a catch-up holds the collection until it caught up. */
  @Test
  void aHoldDelaysTheCollectionUntilItIsReleased() throws Exception {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    HeapSettle settle = new HeapSettle(() -> ranOn.add("gc"), 0, WAIT.toMillis() * 4);
    HeapSettle.Hold hold = settle.hold();
    settle.linkUp();
    await().atMost(WAIT).until(settle::waitingForHolds);
    assertThat(settle.settled()).isNotDone();
    assertThat(ranOn).isEmpty();
    hold.release();
    settle.settled().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ranOn).containsExactly("gc");
  }

  /**
   * The JVM's other peers link in the same moment (a bench runs two): a hold taken within the grace
   * after the first link up still counts.
   */
  @Test
  void aHoldTakenJustAfterTheFirstLinkUpCountsToo() throws Exception {
    HeapSettle settle = new HeapSettle(() -> {}, 200, WAIT.toMillis() * 4);
    settle.linkUp();
    HeapSettle.Hold hold = settle.hold();
    assertThat(settle.holds()).as("taken within the grace: it counts").isEqualTo(1);
    await().atMost(WAIT).until(settle::waitingForHolds);
    assertThat(settle.settled()).isNotDone();
    hold.release();
    settle.settled().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** A hold never released (its link went down mid-catch-up) delays it by the longest hold only. */
  @Test
  void aHoldNeverReleasedDelaysItByTheLongestHoldAtMost() throws Exception {
    HeapSettle settle = new HeapSettle(() -> {}, 0, 300);
    settle.hold();
    long start = System.nanoTime();
    settle.linkUp();
    settle.settled().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  /** Each hold counts once, however often released; one taken after the collection began, never. */
  @Test
  void holdsCountOnceAndNotAfterTheCollectionBegan() throws Exception {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    HeapSettle settle = new HeapSettle(() -> ranOn.add("gc"), 0, WAIT.toMillis() * 4);
    HeapSettle.Hold first = settle.hold();
    HeapSettle.Hold second = settle.hold();
    settle.linkUp();
    first.release();
    first.release();
    assertThat(settle.holds()).as("the first counted once").isEqualTo(1);
    await().atMost(WAIT).until(settle::waitingForHolds);
    assertThat(settle.settled()).as("the second still holds").isNotDone();
    second.release();
    settle.settled().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    HeapSettle.Hold late = settle.hold();
    assertThat(settle.holds()).as("a hold after the collection began counts for nothing").isZero();
    late.release();
    assertThat(settle.holds()).isZero();
    settle.linkUp(); // begun once: starts no second collection (no thread, nothing to wait for)
    assertThat(ranOn).containsExactly("gc");
  }

  /** Whose Hello's clock makes a link one a catch-up follows: more than a request's worth ahead. */
  @Test
  void aLinkBringsACatchUpOnlyWhenItsClockIsWellAhead() {
    long k = NodeLinks.CATCH_UP_LAMPORTS;
    assertThat(NodeLinks.bringsCatchUp(0, k)).isFalse();
    assertThat(NodeLinks.bringsCatchUp(0, k + 1)).isTrue();
    assertThat(NodeLinks.bringsCatchUp(100_000, 0)).isFalse();
    assertThat(NodeLinks.bringsCatchUp(100_000, 100_000 + k)).isFalse();
    assertThat(NodeLinks.bringsCatchUp(Long.MAX_VALUE, 0)).isFalse();
    assertThat(NodeLinks.bringsCatchUp(0, Long.MAX_VALUE)).isTrue();
    assertThat(NodeLinks.bringsCatchUp(Long.MAX_VALUE - 1, Long.MAX_VALUE)).isFalse();
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
