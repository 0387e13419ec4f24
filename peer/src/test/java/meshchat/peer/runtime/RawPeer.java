package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.message.LinkMessage;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;

/**
 * A hand-driven peer on a raw TLS socket, for tests that play one side of a link frame by frame (an
 * honest peer that behaves in a chosen way, or a hostile one): frames are varint32-delimited
 * LinkFrames, as on the wire.
 */
class RawPeer implements AutoCloseable {

  final Socket socket;
  final InputStream in;
  final OutputStream out;

  /** Connects; with {@code badHello} sends that instead of a Hello and does not handshake. */
  RawPeer(Identity self, int port, LinkFrame badHello) throws Exception {
    this(self, port, badHello, null);
  }

  /** As above, from local address {@code from} (null: the system's choice). */
  RawPeer(Identity self, int port, LinkFrame badHello, InetAddress from) throws Exception {
    this(self, port, badHello, from, 0);
  }

  /** As above, its Hello naming {@code listenPort} as the port it listens on. */
  RawPeer(Identity self, int port, LinkFrame badHello, InetAddress from, int listenPort)
      throws Exception {
    socket = LinkTls.forIdentity(self).connect(new InetSocketAddress("127.0.0.1", port), from);
    socket.setSoTimeout(10_000); // a read that hangs fails the test instead
    in = socket.getInputStream();
    out = socket.getOutputStream();
    if (badHello != null) {
      sendRaw(badHello);
      return;
    }
    byte[] challenge = HelloProofs.newChallenge();
    LinkMessage.Hello hello =
        new LinkMessage.Hello(
                Framing.PROTOCOL_VERSION, self.peerId(), "raw", "lobby", listenPort, 1)
            .withIdentity(self.publicKey(), challenge);
    send(hello);
    LinkMessage.Hello theirs = (LinkMessage.Hello) read();
    byte[] t =
        HelloProofs.transcript(
            "lobby",
            self.peerId(),
            theirs.peerId(),
            theirs.challenge(),
            challenge,
            LinkTls.localCertificateHash(socket),
            LinkTls.peerCertificateHash(socket));
    send(new LinkMessage.HelloProof(self.sign(t), new byte[0]));
    assertThat(read()).isInstanceOf(LinkMessage.HelloProof.class); // the link is open
  }

  void send(LinkMessage m) throws Exception {
    LinkCodec.toFrame(m).writeDelimitedTo(out);
    out.flush();
  }

  /**
   * Relays one signed line, with its head, of each of {@code keys} throwaway authors in room
   * "lobby" (keys are free); returns the authors, in order.
   */
  List<ChainAuthor> relayALineOfEachNewKey(int keys, String text) throws Exception {
    List<ChainAuthor> authors = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      ChainAuthor a = new ChainAuthor(Identity.generate(), "lobby");
      send(new LinkMessage.Chat(a.next(text + " " + i)));
      send(new LinkMessage.Head(a.head()));
      authors.add(a);
    }
    return authors;
  }

  void sendRaw(LinkFrame f) throws Exception {
    f.writeDelimitedTo(out);
    out.flush();
  }

  /** Reads until a frame of {@code type} arrives, skipping others; returns it. */
  <T extends LinkMessage> T readUntil(Class<T> type) throws Exception {
    for (; ; ) {
      LinkMessage m = read();
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
  }

  LinkMessage read() throws Exception {
    return LinkCodec.fromFrame(LinkFrame.parseDelimitedFrom(in));
  }

  /** Reads until the node's Close; returns it. */
  Close awaitClose() throws Exception {
    // each read times out after 10 s; a peer that keeps sending other frames (pings, digests)
    // must still close within a minute, or the test fails rather than hangs
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(in)) != null; ) {
      if (f.hasClose()) {
        return f.getClose();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no Close within 60 s: the link stayed open");
      }
    }
    throw new AssertionError("the connection ended without a Close");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
