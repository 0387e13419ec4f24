package meshchat.testkit.netty;

import static meshchat.testkit.scenario.Scenario.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.History;
import meshchat.testkit.check.InvariantChecker;
import org.junit.jupiter.api.Test;

/** The proxies really inject the faults: what the shared suite relies on, shown directly. */
class NettyClusterTest {

  private static List<ChatMessage> stored(NettyCluster c, int peer) {
    return c.history().peers().get(peer).finalStore();
  }

  @Test
  void aPartitionBlocksTrafficUntilItHeals() {
    try (NettyCluster c = new NettyCluster(11)) {
      c.start(4);
      await().atMost(Duration.ofSeconds(20)).until(() -> c.linkCount(0) == 3);
      c.partition(List.of(group(0, 1), group(2, 3)));
      await().atMost(Duration.ofSeconds(10)).until(() -> c.linkCount(0) == 1);
      int refusedBefore = c.refusedDials();
      c.send(0, "across the gap");
      // p1 (same side) gets it; p2 (other side) must not, even after the sides tried again
      await().atMost(Duration.ofSeconds(10)).until(() -> stored(c, 1).size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> c.refusedDials() > refusedBefore);
      assertThat(stored(c, 2)).isEmpty();
      assertThat(c.linkCount(2)).isEqualTo(1);
      c.heal();
      assertThat(c.runUntilQuiet(20_000)).isTrue();
      assertThat(stored(c, 2)).extracting(ChatMessage::text).containsExactly("across the gap");
      assertThat(InvariantChecker.check(c.history()).violations()).isEmpty();
    }
  }

  @Test
  void aDelayedLinkDeliversNoSoonerThanItsDelay() {
    try (NettyCluster c = new NettyCluster(12)) {
      c.start(2);
      await().atMost(Duration.ofSeconds(20)).until(() -> c.linkCount(1) == 1);
      c.setDelay(300);
      c.send(0, "slow");
      assertThat(c.runUntilQuiet(20_000)).isTrue();
      History h = c.history();
      long sentAt = h.sent().get(0).timeMs();
      Delivered at1 = h.peers().get(1).segments().get(0).deliveries().get(0);
      // sentAt is taken just after the send returns, a few ms after the bytes left: allow for it
      assertThat(at1.timeMs() - sentAt).isGreaterThanOrEqualTo(250);
    }
  }

  @Test
  void aCutLinkComesBack() {
    try (NettyCluster c = new NettyCluster(13)) {
      c.start(3);
      await().atMost(Duration.ofSeconds(20)).until(() -> c.linkCount(0) == 2);
      c.cut(0, 1);
      c.send(0, "after the cut");
      await().atMost(Duration.ofSeconds(20)).until(() -> c.linkCount(0) == 2);
      assertThat(c.runUntilQuiet(20_000)).isTrue();
      assertThat(stored(c, 1)).extracting(ChatMessage::text).containsExactly("after the cut");
    }
  }
}
