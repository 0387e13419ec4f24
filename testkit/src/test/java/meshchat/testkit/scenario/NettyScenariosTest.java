package meshchat.testkit.scenario;

import meshchat.testkit.netty.NettyCluster;

/** The shared suite over real sockets: real PeerNodes, SQLite, a tracker, faults by proxy. */
class NettyScenariosTest extends SharedScenariosTest {
  @Override
  protected Cluster newCluster(long seed) {
    return new NettyCluster(seed);
  }

  /**
   * Forty: past the full mesh, yet within the CI budget on two shared cores (about 20-35 s per
   * story at a load of 8). The hundred-peer room over sockets is BigRoomOverSocketsTest.
   */
  @Override
  protected int bigRoomPeers() {
    return 40;
  }

  /**
   * With the product's link and tracker timeouts: forty peers on two cores miss the fast test
   * timeouts under load and churn their links (BigRoomOverSocketsTest says more).
   */
  @Override
  protected Cluster newBigCluster(long seed) {
    return NettyCluster.withProductTimeouts(seed);
  }
}
