package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.PakeSession;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.link.netty.PakeGate;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/**
 * (session 31) The links a peer dials ran their J-PAKE rounds on the room thread, though a peer it
 * dials may be one a stranger named (a tracker's member, a neighbour's hint): each dial made the
 * room, which also delivers every chat line, validate a round 1 of the other side's choosing and
 * compute its round 2 (some ten 2048-bit modular exponentiations). Here the member dials 40
 * addresses that all lead to one stranger who answers every handshake with a valid round 1 and then
 * goes silent, holding the handshakes open, while another member sends 200 lines: the dialed side's
 * rounds run on the pairing pool (at most {@link PakeGate#MAX_PENDING} at once), and every line is
 * delivered while the dialed pairings are still in progress.
 */
class DialedPairingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());
  private static final RoomKey GUESS = RoomKey.derive("lobby", "wrong horse".toCharArray());
  private static final int DIALS = 40;
  private static final int LINES = 200;

  @Test
  void dialedPairingsRunOnTheBoundedPoolWhileTheRoomKeepsDelivering() throws Exception {
    try (Stranger stranger = new Stranger();
        LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode a =
          mesh.start(
              mesh.config(0)
                  .withTracker(null, false)
                  .withRoomKey(KEY)
                  // the stranger's handshakes stay open for the whole test
                  .with(
                      d -> d.linkConfig = d.linkConfig.with(l -> l.handshakeTimeoutMs = 120_000)));
      PeerNode b = mesh.start(mesh.config(1).withTracker(null, false).withRoomKey(KEY));
      b.dial(new PeerAddress(a.self(), "p0", "127.0.0.1", a.port()));
      await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
      b.send("warm").join();
      await().atMost(WAIT).until(() -> mesh.seen(0).texts().contains("warm"));

      long dialed0 = PakeGate.dialedRoundsComputed();
      for (int i = 0; i < DIALS; i++) {
        // ids a tracker or a neighbour might name: each its own dial, all to the stranger
        PeerId named = Identity.generate().peerId();
        a.dial(new PeerAddress(named, "s" + i, "127.0.0.1", stranger.port()));
      }
      await()
          .atMost(WAIT)
          .alias("the member answered the stranger's round 1 with its round 2 on many dials")
          .until(() -> stranger.round2s.get() >= DIALS / 2);
      for (int i = 0; i < LINES; i++) {
        b.send("line " + i);
      }
      await()
          .atMost(WAIT)
          .alias("every line delivered while the dialed pairings are in progress")
          .until(() -> mesh.seen(0).texts().contains("line " + (LINES - 1)));
      for (int i = 0; i < LINES; i++) {
        assertThat(mesh.seen(0).texts()).contains("line " + i);
      }
      int answered = stranger.round2s.get();
      long dialed = PakeGate.dialedRoundsComputed() - dialed0;
      System.out.printf(
          "%d dials: %d answered with round 2, %d refused busy (redialed later), %d dialed rounds"
              + " computed on the pairing pool, at most %d pending%n",
          DIALS, answered, stranger.closed.get(), dialed, PakeGate.highestPending());
      // still in progress: the handshakes the member answered are open, none refused for anything
      // but the pool's bound (a dial over it is closed at once and redialed after its backoff)
      assertThat(stranger.reasons)
          .allMatch(r -> r.equals("LIMIT_EXCEEDED busy pairing; try again later"));
      assertThat(stranger.open.size() - stranger.closed.get()).isGreaterThanOrEqualTo(DIALS / 2);
      // each answered dial's round 1 and its answer to the stranger's (round 2) were computed on
      // the pool, not on the room thread (the count is the process's: only this member dials)
      assertThat(dialed).isGreaterThanOrEqualTo(2L * answered);
      assertThat(PakeGate.highestPending()).isLessThanOrEqualTo(PakeGate.MAX_PENDING);
    }
  }

  /**
   * A peer of the private room's kind, met by dialing: it answers every TLS connection with its
   * Hello and a valid J-PAKE round 1 (one precomputed, with a wrong secret: the dialer's checks of
   * it cost the same), reads what comes back, and never answers again.
   */
  private static final class Stranger implements AutoCloseable {
    private final Identity identity = Identity.generate();
    private final ServerSocket server;
    private final byte[] round1 = new PakeSession(GUESS, identity.peerId()).round1();
    final List<Socket> open = new CopyOnWriteArrayList<>();
    final AtomicInteger round2s = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<String> reasons = new CopyOnWriteArrayList<>();

    Stranger() throws IOException {
      server =
          LinkTls.forIdentity(identity)
              .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread t = new Thread(this::accept, "stranger-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      try {
        for (; ; ) {
          Socket s = server.accept();
          open.add(s);
          Thread t = new Thread(() -> serve(s), "stranger-link");
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException e) {
        // closed by the test
      }
    }

    private void serve(Socket s) {
      try {
        OutputStream out = s.getOutputStream();
        send(
            out,
            new LinkMessage.Hello(Framing.PROTOCOL_VERSION, identity.peerId(), "stranger", "", 0, 1)
                .withIdentity(identity.publicKey(), HelloProofs.newChallenge()));
        send(out, new LinkMessage.RoomPake(1, round1));
        InputStream in = s.getInputStream();
        for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(in)) != null; ) {
          LinkMessage m = LinkCodec.fromFrame(f);
          if (m instanceof LinkMessage.RoomPake r && r.round() == 2) {
            round2s.incrementAndGet();
          } else if (m instanceof LinkMessage.Close c) {
            reasons.add(c.reason() + " " + c.message());
            closed.incrementAndGet();
            break;
          }
        }
      } catch (IOException e) {
        // the test ended
      }
    }

    private static void send(OutputStream out, LinkMessage m) throws IOException {
      LinkCodec.toFrame(m).writeDelimitedTo(out);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
