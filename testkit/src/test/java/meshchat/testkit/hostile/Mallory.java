package meshchat.testkit.hostile;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;

/**
 * A hostile room member on one real link: it holds its own key, completes an honest TLS handshake
 * and Hello with the victim (so everything it sends after is from a member, not an outsider), then
 * sends whatever the attack is made of. It counts the bytes each way, so a test can tell an
 * amplification from an answer.
 */
final class Mallory implements AutoCloseable {
  final Identity identity;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();

  /** Links to {@code victim} from {@code from} in room {@code room}, with a fresh key. */
  Mallory(InetSocketAddress victim, InetAddress from, String room) throws IOException {
    this(Identity.generate(), victim, from, room, 1);
  }

  /** The same, with {@code identity} and a Hello stamped {@code lamport}. */
  Mallory(Identity identity, InetSocketAddress victim, InetAddress from, String room, long lamport)
      throws IOException {
    this.identity = identity;
    this.socket = LinkTls.forIdentity(identity).connect(victim, from);
    socket.setSoTimeout(30_000); // a read that hangs fails the test instead
    this.in = counting(socket.getInputStream());
    this.out = socket.getOutputStream();
    byte[] challenge = HelloProofs.newChallenge();
    LinkFrame hello =
        LinkCodec.toFrame(
            new Hello(Framing.PROTOCOL_VERSION, identity.peerId(), "mallory", room, 0, 1)
                .withIdentity(identity.publicKey(), challenge));
    sendRaw(hello.toBuilder().setHello(hello.getHello().toBuilder().setLamport(lamport)).build());
    LinkFrame first = LinkFrame.parseDelimitedFrom(in);
    if (first == null || !first.hasHello()) {
      throw new IOException("no Hello from the victim: " + first);
    }
    Hello theirs = (Hello) LinkCodec.fromFrame(first);
    byte[] t =
        HelloProofs.transcript(
            room,
            identity.peerId(),
            theirs.peerId(),
            theirs.challenge(),
            challenge,
            LinkTls.localCertificateHash(socket),
            LinkTls.peerCertificateHash(socket));
    send(new LinkMessage.HelloProof(identity.sign(t), new byte[0]));
  }

  void send(LinkMessage m) throws IOException {
    sendRaw(LinkCodec.toFrame(m));
  }

  void sendRaw(LinkFrame f) throws IOException {
    sent.addAndGet(f.getSerializedSize() + 5);
    f.writeDelimitedTo(out);
    out.flush();
  }

  /** The next frame from the victim; null at the end of the stream. */
  LinkFrame read() throws IOException {
    return LinkFrame.parseDelimitedFrom(in);
  }

  /** Reads until the victim's Close and returns it; null if the connection ended without one. */
  Close awaitClose() {
    try {
      for (LinkFrame f; (f = read()) != null; ) {
        if (f.hasClose()) {
          return f.getClose();
        }
      }
    } catch (IOException e) {
      // reset: no Close arrived
    }
    return null;
  }

  /** Reads and drops whatever the victim sends, on a daemon thread, until the link ends. */
  Mallory drainInBackground() {
    Thread t =
        new Thread(
            () -> {
              try {
                while (read() != null) {
                  // counted by the stream
                }
              } catch (IOException e) {
                // the link ended
              }
            },
            "mallory-drain");
    t.setDaemon(true);
    t.start();
    return this;
  }

  /** How long a read may wait before it throws {@link java.net.SocketTimeoutException}. */
  void readTimeoutMs(int ms) throws IOException {
    socket.setSoTimeout(ms);
  }

  long bytesSent() {
    return sent.get();
  }

  long bytesReceived() {
    return received.get();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private InputStream counting(InputStream s) {
    return new FilterInputStream(s) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          received.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          received.addAndGet(n);
        }
        return n;
      }
    };
  }
}
