package meshchat.peer.runtime;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.PakeSession;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.LinkMessage.HelloProof;
import meshchat.peer.message.LinkMessage.RoomPake;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;

/**
 * A stranger who guesses a private room's secret by hand, over real TLS from a chosen loopback
 * address: it plays the dialer's half of the private room handshake (docs/protocol.md, "Private
 * room handshake") with its guess, honestly in every other respect, and keeps every byte the peer
 * sent it (after TLS), so a test can say what a guess reveals.
 */
final class PakeGuesser {
  /**
   * What one attempt saw: the frames, the plaintext bytes, and whether the peer's key confirmed.
   */
  record Attempt(List<LinkMessage> frames, byte[] bytes, boolean confirmed) {
    Close close() {
      return frames.isEmpty() || !(frames.get(frames.size() - 1) instanceof Close c) ? null : c;
    }
  }

  private final Identity identity = Identity.generate();
  private final LinkTls tls = LinkTls.forIdentity(identity);
  private final InetAddress from;

  PakeGuesser(InetAddress from) {
    this.from = from;
  }

  /** One handshake with {@code guess}, naming {@code room} in its Hello ("" as members do). */
  Attempt attempt(int port, RoomKey guess, String room) throws IOException {
    byte[] challenge = HelloProofs.newChallenge();
    PakeSession pake = new PakeSession(guess, identity.peerId());
    List<LinkMessage> frames = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean confirmed = false;
    try (Socket s = tls.connect(new InetSocketAddress("127.0.0.1", port), from)) {
      s.setSoTimeout(20_000);
      InputStream in = tee(s.getInputStream(), bytes);
      OutputStream out = s.getOutputStream();
      send(
          out,
          new Hello(
              Framing.PROTOCOL_VERSION,
              identity.peerId(),
              "mallory",
              room,
              0,
              1,
              identity.publicKey(),
              challenge));
      send(out, new RoomPake(1, pake.round1()));
      Hello theirs = null;
      for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(in)) != null; ) {
        LinkMessage m = LinkCodec.fromFrame(f);
        frames.add(m);
        if (m instanceof Close) {
          break;
        } else if (m instanceof Hello h) {
          theirs = h;
        } else if (m instanceof RoomPake r && r.round() == 1 && theirs != null) {
          if (pake.acceptRound1(theirs.peerId(), r.payload()) != null) {
            break;
          }
          byte[] t =
              HelloProofs.transcript(
                  "",
                  identity.peerId(),
                  theirs.peerId(),
                  theirs.challenge(),
                  challenge,
                  LinkTls.localCertificateHash(s),
                  LinkTls.peerCertificateHash(s));
          send(out, new HelloProof(identity.sign(t), new byte[0]));
          send(out, new RoomPake(2, pake.round2()));
        } else if (m instanceof RoomPake r && r.round() == 2) {
          if (pake.acceptRound2(r.payload()) != null) {
            break;
          }
          send(out, new RoomPake(3, pake.round3()));
        } else if (m instanceof RoomPake r && r.round() == 3) {
          confirmed = pake.acceptRound3(r.payload());
        }
      }
    } catch (IOException e) {
      // the peer closed after its Close: what arrived is in frames
    }
    return new Attempt(frames, bytes.toByteArray(), confirmed);
  }

  private static void send(OutputStream out, LinkMessage m) throws IOException {
    LinkCodec.toFrame(m).writeDelimitedTo(out);
    out.flush();
  }

  private static InputStream tee(InputStream in, ByteArrayOutputStream copy) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          copy.write(b);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          copy.write(b, off, n);
        }
        return n;
      }
    };
  }
}
