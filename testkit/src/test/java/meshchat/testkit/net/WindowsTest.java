package meshchat.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import meshchat.testkit.SimCluster;
import meshchat.testkit.SimConfig;
import org.junit.jupiter.api.Test;

/**
 * The event loop's hand-over between threads ({@link Windows}): a task's failure reaches the caller
 * as it was thrown, whichever thread claimed it, and the loop runs on afterwards; threads that wake
 * after every task of a window was claimed (more threads than chunks) change nothing.
 */
class WindowsTest {
  private static SimCluster cluster(int threads, int peers) {
    SimCluster c = new SimCluster(SimConfig.defaults(5).with(d -> d.threads = threads));
    c.start(peers);
    c.runFor(300);
    return c;
  }

  @Test
  void aPeersFailureReachesTheCallerAsThrownOnAnyThreadCount() {
    for (int threads : new int[] {1, 2, 3, 8}) {
      for (int peer : new int[] {0, 5, 11}) {
        SimCluster c = cluster(threads, 12);
        RuntimeException boom = new IllegalStateException("boom " + peer);
        c.atPeer(
            peer,
            c.now() + 50,
            () -> {
              throw boom;
            });
        assertThatThrownBy(() -> c.runFor(200)).as("%d threads", threads).isSameAs(boom);
        c.runFor(200); // the workers were stopped and start again: no hang, no stale failure
      }
    }
  }

  @Test
  void anErrorIsNotWrapped() {
    for (int threads : new int[] {1, 2, 3}) {
      SimCluster c = cluster(threads, 12);
      AssertionError error = new AssertionError("peer 7");
      c.atPeer(
          7,
          c.now() + 20,
          () -> {
            throw error;
          });
      assertThatThrownBy(() -> c.runFor(100)).as("%d threads", threads).isSameAs(error);
    }
  }

  @Test
  void moreThreadsThanChunksRunTheSameEvents() {
    long[] executed = new long[2];
    String[] stores = new String[2];
    int k = 0;
    for (int threads : new int[] {1, 8}) {
      SimCluster c = cluster(threads, 10);
      for (int i = 0; i < 10; i++) {
        c.send(i, "m" + i);
      }
      assertThat(c.runUntilQuiet(30_000)).isTrue();
      executed[k] = c.executed();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        b.append(c.peer(i).storedCount()).append(' ');
      }
      stores[k++] = b.toString() + c.now() + " " + c.windows();
    }
    assertThat(executed[1]).isEqualTo(executed[0]);
    assertThat(stores[1]).isEqualTo(stores[0]);
  }
}
