package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/**
 * Links are TLS 1.3 bound to the peers' identities, on real sockets between real PeerNodes: a relay
 * that holds no key of either peer can neither join them (open or private room) nor read what an
 * honest link carries, and a peer that does not speak TLS gets nothing.
 */
class LinkTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());

  /**
   * The attack of a keyless relay: Mallory opens a link to Alice and one to Bob, each inside TLS
   * with her own certificate, and passes every frame of one to the other, so that Alice's Hello and
   * proof reach Bob and Bob's reach Alice. Each refuses: the Hello names a key that is not the one
   * the TLS certificate proved.
   */
  private void relayIsRefused(PeerConfig alice, PeerConfig bob, LoopbackCluster mesh)
      throws Exception {
    PeerNode a = mesh.start(alice);
    PeerNode b = mesh.start(bob);
    LinkTls mallory = LinkTls.forIdentity(Identity.generate());
    List<Close> closes = new CopyOnWriteArrayList<>();
    List<LinkFrame> forwarded = new CopyOnWriteArrayList<>();
    try (Socket toA = mallory.connect(new InetSocketAddress("127.0.0.1", a.port()));
        Socket toB = mallory.connect(new InetSocketAddress("127.0.0.1", b.port()))) {
      Thread ab = pump(toA, toB, closes, forwarded);
      Thread ba = pump(toB, toA, closes, forwarded);
      ab.join(WAIT.toMillis());
      ba.join(WAIT.toMillis());
    }
    assertThat(forwarded).anyMatch(LinkFrame::hasHello); // the Hellos did pass through
    assertThat(closes).hasSize(2);
    for (Close c : closes) {
      assertThat(c.getReason()).isEqualTo(Close.Reason.UNAUTHENTICATED);
      assertThat(c.getMessage()).contains("not the one its TLS certificate proves");
    }
    assertThat(a.linkCount()).isZero();
    assertThat(b.linkCount()).isZero();
    assertThat(forwarded).noneMatch(LinkFrame::hasChat);
  }

  /** Copies frames from one socket to the other until a Close or the end of the stream. */
  private static Thread pump(Socket from, Socket to, List<Close> closes, List<LinkFrame> seen) {
    Thread t =
        new Thread(
            () -> {
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(in)) != null; ) {
                  seen.add(f);
                  if (f.hasClose()) {
                    closes.add(f.getClose());
                    return;
                  }
                  f.writeDelimitedTo(out);
                  out.flush();
                }
              } catch (IOException e) {
                // the other side closed: the relay is over
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aKeylessRelayBetweenTwoPeersIsRefusedByBoth() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      relayIsRefused(
          mesh.config(0).withTracker(null, false), mesh.config(1).withTracker(null, false), mesh);
    }
  }

  @Test
  void aKeylessRelayIsRefusedInAPrivateRoomToo() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      relayIsRefused(
          mesh.config(0).withTracker(null, false).withRoomKey(KEY),
          mesh.config(1).withTracker(null, false).withRoomKey(KEY),
          mesh);
    }
  }

  @Test
  void anEavesdropperOnTheWireSeesNoTextRoomOrIdentity() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42);
        Tap tap = new Tap()) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode b = mesh.start(mesh.config(1).withTracker(null, false));
      linkThrough(tap, a, b);
      a.send("attack at dawn").join();
      await().atMost(WAIT).until(() -> mesh.seen(1).texts().contains("attack at dawn"));

      byte[] wire = tap.captured();
      assertThat(wire.length).isGreaterThan(500); // handshake, Hellos, digests, the chat
      String text = new String(wire, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain("attack at dawn").doesNotContain("lobby");
      assertThat(text)
          .doesNotContain(new String(a.self().toBytes(), StandardCharsets.ISO_8859_1))
          .doesNotContain(a.self().hex())
          .doesNotContain(b.self().hex());
    }
  }

  @Test
  void aByteChangedOnTheWireEndsTheLinkAndNothingItCarriedIsTaken() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42);
        Tap tap = new Tap()) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode b = mesh.start(mesh.config(1).withTracker(null, false));
      linkThrough(tap, a, b);

      tap.flipNextByteTowardsTheAcceptor();
      a.send("attack at dawn").join();
      // the altered record fails TLS's integrity check: b ends that link and counts it
      await().atMost(WAIT).until(() -> b.counters().get(Counter.TLS_FAILED) == 1);
      // the two relink at once, directly (each Hello gave the other's address), and the message
      // comes over the clean link: shown once, whole, and nothing altered ever shown
      await().atMost(WAIT).until(() -> mesh.seen(1).texts().contains("attack at dawn"));
      assertThat(mesh.seen(1).texts()).containsExactly("attack at dawn");
      assertThat(b.counters().get(Counter.TLS_FAILED)).isEqualTo(1);
    }
  }

  @Test
  void aPeerThatDoesNotSpeakTlsGetsNothingAndIsCounted() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false));
      Identity mallory = Identity.generate();
      try (Socket s = new Socket("127.0.0.1", a.port())) {
        s.setSoTimeout(10_000);
        LinkMessage.Hello hello =
            new LinkMessage.Hello(Framing.PROTOCOL_VERSION, mallory.peerId(), "m", "lobby", 0, 1)
                .withIdentity(mallory.publicKey(), HelloProofs.newChallenge());
        LinkCodec.toFrame(hello).writeDelimitedTo(s.getOutputStream());
        byte[] answer = s.getInputStream().readAllBytes(); // until the peer closes
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("lobby");
      }
      await().atMost(WAIT).until(() -> a.counters().get(Counter.TLS_FAILED) == 1);
      assertThat(a.linkCount()).isZero();
    }
  }

  /** {@code a} dials {@code b} through {@code tap}; returns once both see the link up. */
  private static void linkThrough(Tap tap, PeerNode a, PeerNode b) {
    tap.forwardTo(b.port());
    a.dial(new PeerAddress(b.self(), "p1", "127.0.0.1", tap.port()));
    await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
  }

  /** A transparent TCP relay that records every byte it passes, both ways. */
  private static final class Tap implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicBoolean flip = new AtomicBoolean();

    Tap() throws IOException {}

    int port() {
      return server.getLocalPort();
    }

    void forwardTo(int port) {
      Thread t =
          new Thread(
              () -> {
                try {
                  Socket in = server.accept();
                  Socket out = new Socket("127.0.0.1", port);
                  open.add(in);
                  open.add(out);
                  copy(in, out, flip);
                  copy(out, in, new AtomicBoolean());
                } catch (IOException e) {
                  // closed by the test
                }
              });
      t.setDaemon(true);
      t.start();
    }

    /** The next bytes relayed from the dialer to the acceptor get their last bit flipped. */
    void flipNextByteTowardsTheAcceptor() {
      flip.set(true);
    }

    private void copy(Socket from, Socket to, AtomicBoolean flipNext) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try {
                  InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream();
                  for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (bytes) {
                      bytes.write(buf, 0, n);
                    }
                    if (flipNext.compareAndSet(true, false)) {
                      buf[n - 1] ^= 1; // inside the last record's AEAD tag or ciphertext
                    }
                    out.write(buf, 0, n);
                  }
                } catch (IOException e) {
                  // one side closed
                }
              });
      t.setDaemon(true);
      t.start();
    }

    byte[] captured() {
      synchronized (bytes) {
        return bytes.toByteArray();
      }
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
