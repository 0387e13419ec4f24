package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.link.netty.PakeGate;
import meshchat.peer.message.LinkMessage.PeerAddress;
import org.junit.jupiter.api.Test;

/**
 * (session 30) A private room's J-PAKE round 1 went out as soon as a TCP connection was accepted,
 * before TLS authenticated anything, and was computed on the room thread: four 2048-bit modular
 * exponentiations for any stranger's connect, on the thread that also delivers every chat line.
 * Here a stranger opens 240 plain TCP connections from four addresses (within the accept budget's
 * bursts, so all of them are taken) while a member sends 200 lines: the rounds run on the pairing
 * pool, at most {@link PakeGate#MAX_PENDING} of the victim's at once (the rest refused at once),
 * every attempt is accounted for as computed there or refused, every line is delivered, and a
 * member pairs after the flood. The room threads' CPU is printed, not asserted: it is mostly the
 * accepts' own cost (TLS and pipeline set-up), which the accept budget bounds.
 */
class PairingFloodTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());
  private static final int LINES = 200;
  private static final int PER_ADDRESS = 60;
  private static final int ADDRESSES = 4;

  @Test
  void aFloodOfPairingAttemptsIsBoundedOffTheRoomThreadAndChatIsStillDelivered() throws Exception {
    List<Socket> flood = new ArrayList<>();
    try (LoopbackCluster mesh = new LoopbackCluster(30)) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false).withRoomKey(KEY));
      PeerNode b = mesh.start(mesh.config(1).withTracker(null, false).withRoomKey(KEY));
      b.dial(new PeerAddress(a.self(), "p0", "127.0.0.1", a.port()));
      await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
      b.send("warm").join(); // the chat path's classes loaded before the room CPU is read
      await().atMost(WAIT).until(() -> mesh.seen(0).texts().contains("warm"));

      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      Set<Long> rooms = RoomThreadCpu.threads(mx);
      long cpu0 = RoomThreadCpu.cpu(mx, rooms);
      long computed0 = PakeGate.roundsComputed();
      long refused0 = a.counters().get(Counter.PAKE_BUSY_REFUSED);
      // the accept budget keeps half its burst for networks under their share (AcceptBudget): a
      // burst of 240 from 4 networks finds some connections closed at accept, before TLS
      long rate0 = a.counters().get(Counter.HANDSHAKE_RATE_REFUSED);
      int connections = 0;
      for (int s = 0; s < ADDRESSES; s++) {
        InetAddress from = InetAddress.getByName("127.0.0." + (2 + s));
        for (int i = 0; i < PER_ADDRESS; i++) {
          flood.add(new Socket(InetAddress.getLoopbackAddress(), a.port(), from, 0));
          connections++;
        }
      }
      for (int i = 0; i < LINES; i++) {
        b.send("line " + i);
      }
      await()
          .atMost(WAIT)
          .alias("every line delivered while the pairing attempts are worked through")
          .until(() -> mesh.seen(0).texts().contains("line " + (LINES - 1)));
      for (int i = 0; i < LINES; i++) {
        assertThat(mesh.seen(0).texts()).contains("line " + i);
      }
      int all = connections;
      // every connection was either given its round 1 (on the pool) or refused at once (busy, or
      // at accept)
      await()
          .atMost(WAIT)
          .until(
              () ->
                  PakeGate.roundsComputed()
                          - computed0
                          + a.counters().get(Counter.PAKE_BUSY_REFUSED)
                          - refused0
                          + a.counters().get(Counter.HANDSHAKE_RATE_REFUSED)
                          - rate0
                      >= all);
      long cpu = RoomThreadCpu.cpu(mx, rooms) - cpu0;
      long computed = PakeGate.roundsComputed() - computed0;
      long refused =
          a.counters().get(Counter.PAKE_BUSY_REFUSED)
              - refused0
              + a.counters().get(Counter.HANDSHAKE_RATE_REFUSED)
              - rate0;
      System.out.printf(
          "%d connections: %d rounds computed on the pool, %d refused busy or at accept, at most %d"
              + " pending;"
              + " room threads' CPU %.1f ms (%.2f ms a connection) for the flood and %d lines%n",
          all, computed, refused, PakeGate.highestPending(), cpu / 1e6, cpu / 1e6 / all, LINES);
      // what the flood could hold: never more than the bound of rounds waiting or running
      assertThat(PakeGate.highestPending()).isLessThanOrEqualTo(PakeGate.MAX_PENDING);
      // and every attempt was served on the pool or refused at once, none on the room thread (the
      // rounds computed are counted for the process: other tests' peers may add to them)
      assertThat(computed).as("round 1s computed on the pairing pool").isPositive();
      assertThat(computed + refused).isGreaterThanOrEqualTo(all);

      // the flood's connections still open (their handshakes unfinished), a member pairs
      PeerNode c = mesh.start(mesh.config(2).withTracker(null, false).withRoomKey(KEY));
      c.dial(new PeerAddress(a.self(), "p0", "127.0.0.1", a.port()));
      await().atMost(WAIT).until(() -> c.linkCount() >= 1);
      c.send("paired").join();
      await().atMost(WAIT).until(() -> mesh.seen(0).texts().contains("paired"));
    } finally {
      for (Socket s : flood) {
        s.close();
      }
    }
  }
}
