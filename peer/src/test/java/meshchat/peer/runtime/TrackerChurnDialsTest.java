package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.tracker.client.RegistrationKey;
import meshchat.tracker.client.RoomSession;
import org.junit.jupiter.api.Test;

/**
 * rev29 F12: a member the tracker names is vouched for, so it is dialed at once, with none of the
 * budget a neighbour's hints get (8 at once then 1/s per namer, 16 then 4/s in all). A client of
 * the tracker (no secret, no link, an open room's name) joins and leaves with 16 keys from one
 * address, over and over: every join is pushed to every member's session, and every member dials
 * the joined key at once, a TLS handshake on its room thread each time (and the key's address may
 * be anyone's: it is the source the tracker saw, here the stranger's own). Here the stranger churns
 * for about 3 s and counts the connections the victim opens to the port it registers (623 from 128
 * joins, before). New candidates at one source are now dialed at most 16 at once and then 4 a
 * second while their dials do not link (Membership's DialBudget).
 */
class TrackerChurnDialsTest {
  @Test
  void aTrackerClientChurningKeysCannotMakeAPeerDialWithoutBound() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29).startTracker();
        ServerSocket sink = new ServerSocket(0)) {
      PeerNode victim = mesh.start(0);
      await().atMost(Duration.ofSeconds(30)).until(() -> victim.trackersRegistered().join() == 1);
      AtomicLong dials = new AtomicLong();
      Thread acceptor =
          new Thread(
              () -> {
                while (!sink.isClosed()) {
                  try {
                    Socket s = sink.accept();
                    dials.incrementAndGet();
                    s.close();
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();

      InetSocketAddress tracker = new InetSocketAddress("127.0.0.1", mesh.trackerPort());
      RoomSession.Events quiet =
          new RoomSession.Events() {
            @Override
            public void joined(PeerAddress member) {}

            @Override
            public void refused(String why) {}

            @Override
            public void left(PeerId member) {}

            @Override
            public void closed() {}
          };
      List<RoomSession> sessions = new ArrayList<>();
      List<Identity> keys = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        sessions.add(
            RoomSession.connect(tracker, mesh.groups().io(), "lobby", quiet, InstantSource.system())
                .join());
        keys.add(Identity.generate());
      }
      long start = System.nanoTime();
      long until = start + 3_000_000_000L;
      int joins = 0;
      try {
        while (System.nanoTime() < until) {
          for (int i = 0; i < sessions.size(); i++) {
            Identity k = keys.get(i);
            sessions
                .get(i)
                .register(
                    k.peerId(),
                    "churn",
                    sink.getLocalPort(),
                    new RegistrationKey(k.publicKey(), k::sign))
                .join();
            joins++;
          }
          for (RoomSession s : sessions) {
            s.unregister().join();
          }
        }
      } catch (RuntimeException refused) {
        // the tracker's own rate limit (10 registrations a second per session, bursts of 64)
      }
      long dialed = dials.get();
      long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
      long bound = 16 + 4 * seconds; // the burst, then 4 a second
      System.out.printf(
          "%d joins pushed in %d s; the victim dialed the churned keys %d times%n",
          joins, seconds, dialed);
      assertThat(joins).as("joins the stranger made: more than the budget").isGreaterThan(32);
      assertThat(dialed)
          .as("connections the victim opened to a stranger's churned keys (%d joins)", joins)
          .isLessThanOrEqualTo(bound);
      sessions.forEach(RoomSession::close);
    }
  }
}
