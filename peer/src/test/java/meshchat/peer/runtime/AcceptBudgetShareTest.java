package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.limit.Counters.Counter;
import org.junit.jupiter.api.Test;

/**
 * (rev31) The accept budget ({@code AcceptBudget}) is a bucket per source address (8/s after 64)
 * and one shared bucket for everyone (64/s after 256), taken first come, first served. A stranger
 * with 16 addresses (16 IPv4 addresses, or 16 /64s of one home IPv6 /56) stays inside every
 * per-source bucket and still empties the shared one as fast as it refills, with bare TCP connects
 * that cost it nothing. Every connection from anyone else then finds the shared bucket empty and is
 * closed at accept, before TLS: an honest peer that can only dial in (behind a NAT, so the victim
 * cannot dial it back) never links while the flood lasts.
 *
 * <p>The honest side here is a JDK TLS client from 127.0.0.1, a fresh source that has spent
 * nothing, sending a ClientHello every 300 ms: its attempts are well inside its own source's burst
 * and under its fair share of the shared budget (64/s among 17 networks: 3.8/s), so a budget that
 * shared the total fairly between networks answers nearly all of them. (A dialer redials far more
 * slowly; one that asked for more than its share would get its share.) The same flood from 2
 * addresses ({@code -DargLine=-Dmeshchat.acceptShare.addresses=2}: the per-source buckets hold it
 * to 16/s, under the shared 64/s) left the honest source 40 of 40 answered on first come, first
 * served; from 16, 1 of 40 (rev31, load 17), and 0 of 40 at 300 ms (load 35). Shared by network: 40
 * of 40.
 */
class AcceptBudgetShareTest {
  private static final int STRANGER_ADDRESSES =
      Integer.getInteger("meshchat.acceptShare.addresses", 16);
  private static final int HONEST_ATTEMPTS = 40;

  @Test
  void sixteenAddressesOfConnectsCannotShutAFreshSourceOutOfTheSharedBudget() throws Exception {
    byte[] hello = ClientHellos.clientHello();
    try (LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      int port = n0.port();
      // n0 accepts once its TLS is made (in the background)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  ClientHellos.replay(
                      hello, port, InetAddress.getLoopbackAddress(), new byte[4096]));
      AtomicLong connects = new AtomicLong();
      InetAddress[] from = new InetAddress[STRANGER_ADDRESSES];
      for (int i = 0; i < from.length; i++) {
        from[i] = InetAddress.getByName("127.0.0." + (2 + i));
      }
      // up to two thousand bare connects a second, each from the next of the 16 addresses, each
      // closed at once: the stranger spends nothing on TLS, and each address stays near its own
      // rate once its burst is spent (the shared bucket turns most away first)
      ScheduledExecutorService flood = Executors.newScheduledThreadPool(2);
      AtomicLong tick = new AtomicLong();
      Runnable connect =
          () -> {
            InetAddress a = from[(int) (tick.getAndIncrement() % from.length)];
            try (Socket s = new Socket()) {
              s.bind(new InetSocketAddress(a, 0));
              s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
              connects.incrementAndGet();
            } catch (Exception e) {
              // refused or reset: go on
            }
          };
      for (int t = 0; t < 2; t++) {
        flood.scheduleAtFixedRate(connect, 0, 1, TimeUnit.MILLISECONDS);
      }
      try {
        // the flood has used up the shared burst (256) and every source's (64 each)
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> n0.counters().get(Counter.HANDSHAKE_RATE_REFUSED) > 2_000);
        AtomicLong attempts = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> {
                  if (ClientHellos.replay(
                      hello, port, InetAddress.getLoopbackAddress(), new byte[4096])) {
                    answered.incrementAndGet();
                  }
                  return attempts.incrementAndGet() >= HONEST_ATTEMPTS;
                });
        System.out.printf(
            "stranger: %d connects from %d addresses; honest source: %d of %d ClientHellos"
                + " answered; n0 counters %s%n",
            connects.get(), STRANGER_ADDRESSES, answered.get(), attempts.get(), n0.counters());
        assertThat(answered.get())
            .as(
                "ClientHellos of a fresh source answered (one each 300 ms, inside its own burst"
                    + " and its fair share)"
                    + " while %d addresses of connects held the shared accept budget",
                STRANGER_ADDRESSES)
            .isGreaterThanOrEqualTo(HONEST_ATTEMPTS * 3 / 4);
      } finally {
        flood.shutdownNow();
        flood.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}
