package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link PeerGroups}: how many threads check chain signatures for its room threads. */
class PeerGroupsTest {
  @Test
  void halfAsManyVerifyThreadsAsRoomThreadsRoundedUpNeverNone() {
    assertThat(PeerGroups.verifyThreads(1)).isEqualTo(1);
    assertThat(PeerGroups.verifyThreads(2)).isEqualTo(1);
    assertThat(PeerGroups.verifyThreads(3)).isEqualTo(2);
    assertThat(PeerGroups.verifyThreads(4)).isEqualTo(2);
    assertThat(PeerGroups.verifyThreads(5)).isEqualTo(3);
    assertThat(PeerGroups.verifyThreads(0)).isEqualTo(1);
    assertThat(PeerGroups.verifyThreads(-1)).isEqualTo(1);
    assertThat(PeerGroups.verifyThreads(Integer.MAX_VALUE)).isEqualTo(1 << 30);
  }

  /**
   * Two room threads' checks run on one thread: two checks queued together (as a head reaching two
   * links of the same group queues them) run one after the other, never side by side.
   */
  @Test
  void twoRoomThreadsShareOneVerifyThread() throws Exception {
    try (PeerGroups groups = PeerGroups.create(1, 2)) {
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      CountDownLatch done = new CountDownLatch(4);
      for (int i = 0; i < 4; i++) {
        groups
            .verify()
            .execute(
                () -> {
                  ran.add(Thread.currentThread());
                  done.countDown();
                });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).hasSize(1);
    }
  }

  @Test
  void fourRoomThreadsHaveTwoVerifyThreads() throws Exception {
    try (PeerGroups groups = PeerGroups.create(1, 4)) {
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      CountDownLatch started = new CountDownLatch(2);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(3);
      for (int i = 0; i < 3; i++) {
        groups
            .verify()
            .execute(
                () -> {
                  ran.add(Thread.currentThread());
                  started.countDown();
                  try {
                    release.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  done.countDown();
                });
      }
      // two checks run side by side (each holds its thread until released); the third waits
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      release.countDown();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).hasSize(2);
    }
  }
}
