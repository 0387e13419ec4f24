package meshchat.testkit.scenario;

import meshchat.testkit.netty.NettyCluster;

/** The shared suite over real sockets: real PeerNodes, SQLite, a tracker, faults by proxy. */
class NettyScenariosTest extends SharedScenariosTest {
  @Override
  protected Cluster newCluster(long seed) {
    return new NettyCluster(seed);
  }
}
