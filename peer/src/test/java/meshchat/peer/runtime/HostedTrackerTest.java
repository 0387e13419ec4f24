package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import meshchat.fixture.netty.LoopbackCluster;
import org.junit.jupiter.api.Test;

/** Default mode: the first peer hosts the tracker; when it quits, a survivor takes over. */
class HostedTrackerTest {
  @Test
  void theFirstPeerHostsAndASurvivorTakesOverWhenItQuits() {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      // peer 0 hosts a tracker there when it finds none
      InetSocketAddress t = new InetSocketAddress("127.0.0.1", mesh.releaseTrackerPort());
      for (int i = 0; i < 3; i++) {
        mesh.start(mesh.config(i).withTracker(t, true));
        if (i == 0) {
          await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> mesh.seen(0).infos.stream().anyMatch(l -> l.contains("hosting one")));
        }
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> mesh.node(1).linkCount() == 2 && mesh.node(2).linkCount() == 2);
      assertThat(mesh.seen(1).infos).noneMatch(l -> l.contains("hosting"));

      mesh.stop(0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  mesh.seen(1).infos.stream().anyMatch(l -> l.contains("hosting"))
                      || mesh.seen(2).infos.stream().anyMatch(l -> l.contains("hosting")));
      assertThat(mesh.node(1).linkCount()).isEqualTo(1); // the survivors kept their link
      // a newcomer with an explicit tracker finds both through the new host
      mesh.start(mesh.config(3).withTracker(t, false));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.node(3).linkCount() == 2);
      assertThat(mesh.seen(3).infos).noneMatch(l -> l.contains("hosting"));
    }
  }
}
