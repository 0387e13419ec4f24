package meshchat.testkit.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import meshchat.peer.membership.MembershipConfig;
import meshchat.testkit.check.InvariantChecker;
import org.awaitility.core.ConditionEvaluationListener;
import org.awaitility.core.EvaluatedCondition;
import org.awaitility.core.TimeoutEvent;
import org.junit.jupiter.api.Test;

/**
 * A room past the full mesh over real sockets (issue 13): 100 peers on loopback, each a real {@code
 * PeerNode} with its SQLite store behind a fault proxy, found through the tracker. Partial views
 * keep every peer at or under its link cap while the room forms and afterwards, and the broadcast
 * trees (with anti-entropy behind them) bring every message to every peer, with every invariant of
 * the simulation's checker held. Links and registrations time out after the product's defaults
 * ({@link NettyCluster#withProductTimeouts}): a hundred peers share this box's two cores.
 */
class BigRoomOverSocketsTest {
  private static final int PEERS = 100;

  @Test
  void aHundredPeersStayUnderTheLinkCapAndEveryMessageReachesEveryPeer() {
    int cap = MembershipConfig.defaults().maxLinks();
    AtomicInteger most = new AtomicInteger();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (NettyCluster c = NettyCluster.withProductTimeouts(31)) {
      // every 10 ms from before the first start until the end: the most links any peer held
      sampler.scheduleAtFixedRate(() -> sampleLinks(c, most), 0, 10, TimeUnit.MILLISECONDS);
      c.start(PEERS);
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .conditionEvaluationListener(explainAtTimeout(c))
          .until(c::settled);
      for (int i = 0; i < PEERS; i++) {
        c.send(i, "from p" + i);
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .conditionEvaluationListener(explainAtTimeout(c))
          .until(() -> c.quiet() && storedEverywhere(c, PEERS));
      sampler.shutdown();
      assertThat(most.get()).as("most links any peer held").isLessThanOrEqualTo(cap);
      assertThat(most.get()).as("past the full mesh").isLessThan(PEERS - 1);
      assertThat(InvariantChecker.check(c.history()).violations()).isEmpty();
    } finally {
      sampler.shutdownNow();
    }
  }

  /** At a timeout, says where the room stands: links per peer, what each holds and holds back. */
  private static ConditionEvaluationListener<Object> explainAtTimeout(NettyCluster c) {
    return new ConditionEvaluationListener<>() {
      @Override
      public void conditionEvaluated(EvaluatedCondition<Object> condition) {}

      @Override
      public void onTimeout(TimeoutEvent timeout) {
        StringBuilder b =
            new StringBuilder("at the timeout, per peer (links/stored/held/known/lag):");
        for (int i = 0; i < c.size(); i++) {
          int k = i;
          Object[] st =
              c.node(i)
                  .inspect(
                      r ->
                          new Object[] {
                            r.holdings().values().stream().mapToLong(h -> h.count()).sum(),
                            r.heldBackCount()
                          })
                  .join();
          b.append(' ')
              .append(k)
              .append(':')
              .append(c.linkCount(k))
              .append('/')
              .append(st[0])
              .append('/')
              .append(st[1])
              .append('/')
              .append(c.node(i).gauges().join().known())
              .append('/')
              // what its links' digests say they hold and it lacks: > 0 and stuck, it does not ask
              .append(c.node(i).links().join().stream().mapToLong(l -> l.lag()).sum());
        }
        System.err.println(b);
      }
    };
  }

  /**
   * Notes the most links any peer holds now. A sample that races a peer being added is skipped (the
   * next one comes 10 ms later): an exception would end the sampling silently.
   */
  private static void sampleLinks(NettyCluster c, AtomicInteger most) {
    try {
      for (int i = 0; i < c.size(); i++) {
        most.accumulateAndGet(c.linkCount(i), Math::max);
      }
    } catch (RuntimeException e) {
      // the cluster's list of peers grew under us
    }
  }

  private static boolean storedEverywhere(NettyCluster c, int messages) {
    return IntStream.range(0, c.size())
        .allMatch(i -> c.node(i).history(Integer.MAX_VALUE).join().size() == messages);
  }
}
