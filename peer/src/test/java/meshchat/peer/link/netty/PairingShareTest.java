package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.runtime.PeerNode;
import org.junit.jupiter.api.Test;

/**
 * (session 31) The pairing pool's 32 places were first come, first served: one stranger's flood of
 * connects from one network held them all while the pool worked through them, and an honest member
 * pairing at that moment read "busy pairing". Here the pool is busy (its threads held by the test,
 * as a flood of expensive rounds would hold them) while a stranger opens 60 plain TCP connections
 * from 127.0.0.2 (an address not routed on the internet: its own network, as each of a LAN's hosts
 * is) to a private-room member: the stranger holds {@link PakeGate#NETWORK_SHARE} places and no
 * more, the rest refused at once, and a member dialing from 127.0.0.1 is taken, not refused, and
 * pairs once the pool runs again.
 */
class PairingShareTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());
  private static final int FLOOD = 60;

  @Test
  void oneNetworksFloodCannotTakeTheWholePairingPool() throws Exception {
    List<Socket> flood = new ArrayList<>();
    CountDownLatch busy = new CountDownLatch(1);
    try (LoopbackCluster mesh = new LoopbackCluster(32)) {
      PeerNode a =
          mesh.start(
              mesh.config(0)
                  .withTracker(null, false)
                  .withRoomKey(KEY)
                  .with(d -> d.linkConfig = d.linkConfig.with(l -> l.handshakeTimeoutMs = 60_000)));
      PeerNode b =
          mesh.start(
              mesh.config(1)
                  .withTracker(null, false)
                  .withRoomKey(KEY)
                  .with(d -> d.linkConfig = d.linkConfig.with(l -> l.handshakeTimeoutMs = 60_000)));
      // the pool's threads busy: every round waits in its place until they are free
      CountDownLatch held = new CountDownLatch(PakeGate.POOL.getMaximumPoolSize());
      for (int i = 0; i < PakeGate.POOL.getMaximumPoolSize(); i++) {
        PakeGate.POOL.execute(
            () -> {
              held.countDown();
              try {
                busy.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      }
      held.await();

      long refused0 = a.counters().get(Counter.PAKE_BUSY_REFUSED);
      InetAddress stranger = InetAddress.getByName("127.0.0.2");
      for (int i = 0; i < FLOOD; i++) {
        flood.add(new Socket(InetAddress.getLoopbackAddress(), a.port(), stranger, 0));
      }
      await()
          .atMost(WAIT)
          .alias("the stranger's connections beyond its network's share are refused at once")
          .until(
              () ->
                  a.counters().get(Counter.PAKE_BUSY_REFUSED) - refused0
                      >= FLOOD - PakeGate.NETWORK_SHARE);
      long refused = a.counters().get(Counter.PAKE_BUSY_REFUSED);
      assertThat(refused - refused0).isEqualTo(FLOOD - PakeGate.NETWORK_SHARE);

      // a member from another network dials while the stranger holds its places: taken at once
      long admitted0 = PakeGate.admitted();
      b.dial(new PeerAddress(a.self(), "p0", "127.0.0.1", a.port()));
      await()
          .atMost(WAIT)
          .alias("the member's connection taken by both gates, or refused by the member's")
          .until(
              () ->
                  PakeGate.admitted() - admitted0 >= 2
                      || a.counters().get(Counter.PAKE_BUSY_REFUSED) > refused);
      assertThat(a.counters().get(Counter.PAKE_BUSY_REFUSED))
          .as("the member was not refused busy pairing")
          .isEqualTo(refused);
      assertThat(PakeGate.highestPendingOfOneNetwork()).isLessThanOrEqualTo(PakeGate.NETWORK_SHARE);
      assertThat(PakeGate.highestPending()).isLessThanOrEqualTo(PakeGate.MAX_PENDING);

      busy.countDown(); // the pool runs again: the stranger's rounds, then the member's
      await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
      b.send("paired").join();
      await().atMost(WAIT).until(() -> mesh.seen(0).texts().contains("paired"));
      assertThat(a.counters().get(Counter.PAKE_BUSY_REFUSED)).isEqualTo(refused);
    } finally {
      busy.countDown();
      for (Socket s : flood) {
        s.close();
      }
    }
  }
}
