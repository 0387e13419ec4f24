package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.PeerAddress;
import org.junit.jupiter.api.Test;

/**
 * (rev28 F12) Accepted links run on the room thread, TLS handshake included. A stranger replays one
 * canned ClientHello (no crypto of its own) on connection after connection; each used to cost the
 * room thread a key share and a CertificateVerify signature, at any rate (28 % of the room thread
 * from two local threads). Now connections past the handshake budget (per source address and in
 * all) are closed on the accepting thread, before TLS, and the room thread's share stays small,
 * while an honest peer from another address still links during the flood.
 */
class HandshakeFloodTest {
  @Test
  void aStrangersReplayedClientHellosDoNotTakeTheRoomThreadAndHonestPeersStillLink()
      throws Exception {
    byte[] hello = ClientHellos.clientHello();
    try (LoopbackCluster mesh = new LoopbackCluster(28)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      int port = n0.port();
      // n0 accepts once its TLS is made (in the background): the flood starts from there
      await().atMost(Duration.ofSeconds(30)).until(() -> answered(hello, port));
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      Set<Long> n0Room = RoomThreadCpu.threads(mx); // n0's alone: n1 starts later
      long cpu0 = RoomThreadCpu.cpu(mx, n0Room);
      long wall0 = System.nanoTime();
      AtomicLong connections = new AtomicLong();
      AtomicLong attempts = new AtomicLong();
      Thread[] flooders = new Thread[2];
      long until = wall0 + 4_000_000_000L;
      InetAddress stranger = InetAddress.getByName("127.0.0.2");
      for (int t = 0; t < flooders.length; t++) {
        flooders[t] =
            new Thread(
                () -> {
                  byte[] buf = new byte[4096];
                  while (System.nanoTime() < until) {
                    attempts.incrementAndGet();
                    try (Socket s =
                        new Socket(InetAddress.getLoopbackAddress(), port, stranger, 0)) {
                      s.setSoTimeout(2_000);
                      OutputStream out = s.getOutputStream();
                      out.write(hello);
                      out.flush();
                      InputStream in = s.getInputStream();
                      int n = in.read(buf); // the server's first flight: its work is done
                      if (n > 0) {
                        connections.incrementAndGet();
                      }
                    } catch (Exception e) {
                      // refused or reset: go on
                    }
                  }
                });
        flooders[t].start();
      }
      // an honest peer, from another address, links while the flood goes on
      await().atMost(Duration.ofSeconds(3)).until(() -> attempts.get() > 200);
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", port));
      await().atMost(Duration.ofSeconds(20)).until(() -> n0.linkCount() == 1);
      boolean duringFlood = System.nanoTime() < until;
      for (Thread t : flooders) {
        t.join();
      }
      long wall = System.nanoTime() - wall0;
      long cpu = RoomThreadCpu.cpu(mx, n0Room) - cpu0;
      System.out.printf(
          "%d connections tried, %d replayed ClientHellos answered in %.1f s; n0's room thread's"
              + " CPU %.0f ms (%.1f%% of the time); honest link up %s; n0 counters %s%n",
          attempts.get(),
          connections.get(),
          wall / 1e9,
          cpu / 1e6,
          100.0 * cpu / wall,
          duringFlood ? "during the flood" : "after it",
          n0.counters());
      assertThat(connections.get()).as("handshakes the stranger got answered").isPositive();
      assertThat(n0.counters().get(Counter.HANDSHAKE_RATE_REFUSED))
          .as("connections closed at accept, over the budget")
          .isPositive();
      assertThat(duringFlood).as("the honest peer linked while the flood went on").isTrue();
      assertThat((double) cpu / wall)
          .as("share of the time the room thread spent while a stranger replayed ClientHellos")
          .isLessThan(0.10);
    }
  }

  /** Whether a replayed ClientHello from 127.0.0.1 is answered with the server's first flight. */
  private static boolean answered(byte[] hello, int port) {
    return ClientHellos.replay(hello, port, InetAddress.getLoopbackAddress(), new byte[4096]);
  }
}
