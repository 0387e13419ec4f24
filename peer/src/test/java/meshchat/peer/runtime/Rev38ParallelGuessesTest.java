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
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.PakeSession;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.LinkMessage.HelloProof;
import meshchat.peer.message.LinkMessage.RoomPake;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/**
 * rev38: "each source IPv4 address or IPv6 /64 gets 5 failed guesses, then one per 30 s"
 * (docs/security.md) holds only for guesses made one after another. HelloHandler asks {@code
 * SecretGuesses.mayGuess} when the connection comes up (channelActive) and spends the guess only
 * later, when it sends its key confirmation (RoomPake round 2, {@code spend} floors at zero and
 * never refuses): a stranger that opens its connections first, and runs each one's J-PAKE round 2
 * after all are up, passes the check on every one of them while nothing is spent yet, and gets one
 * guess per connection (the accept budget's burst of 64 per address, then 8 a second), not 5.
 */
class Rev38ParallelGuessesTest {
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());

  @Test
  void connectionsOpenedBeforeAnyGuessIsSpentDoNotEachGetAGuess() throws Exception {
    int connections = 9;
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode a =
          mesh.start(
              mesh.config(0)
                  .withTracker(null, false)
                  .withRoomKey(KEY)
                  .with(
                      d -> d.linkConfig = d.linkConfig.with(l -> l.handshakeTimeoutMs = 120_000)));
      InetAddress from = InetAddress.getByName("127.0.0.5");
      List<Staged> open = new ArrayList<>();
      try {
        // each connection up and through J-PAKE round 1: nothing spent yet
        for (int i = 0; i < connections; i++) {
          RoomKey guess = RoomKey.derive("lobby", ("wrong guess " + i).toCharArray());
          Staged s = new Staged(guess, from);
          s.open(a.port());
          open.add(s);
        }
        // then each one's round 2: the peer sends its key confirmation, the answer to the guess
        // a guess is answered when the member's key confirmation (its RoomPake round 3) comes
        int answered = 0;
        StringBuilder ends = new StringBuilder();
        for (Staged s : open) {
          String end = s.finish();
          ends.append(end).append("; ");
          if (s.confirmationSeen) {
            answered++;
          }
        }
        assertThat(answered)
            .as(
                "wrong guesses the member answered (sent its key confirmation for) from one address"
                    + " at once; WRONG_ROOM_SECRET %d; closes: %s",
                a.counters().get(Counter.WRONG_ROOM_SECRET), ends)
            .isLessThanOrEqualTo(5);
      } finally {
        for (Staged s : open) {
          s.close();
        }
      }
    }
  }

  /** The dialer's half of the private room handshake, stopped before J-PAKE round 2. */
  private static final class Staged {
    private final Identity identity = Identity.generate();
    private final LinkTls tls = LinkTls.forIdentity(identity);
    private final InetAddress from;
    private final PakeSession pake;
    private final byte[] challenge = HelloProofs.newChallenge();
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private Hello theirs;
    private String closed; // the peer's Close message, if it closed already
    boolean confirmationSeen; // the member's key confirmation came: the guess was answered

    Staged(RoomKey guess, InetAddress from) {
      this.from = from;
      this.pake = new PakeSession(guess, identity.peerId());
    }

    void open(int port) throws IOException {
      socket = tls.connect(new InetSocketAddress("127.0.0.1", port), from);
      socket.setSoTimeout(60_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
      send(
          new Hello(
              Framing.PROTOCOL_VERSION,
              identity.peerId(),
              "mallory",
              "",
              0,
              1,
              identity.publicKey(),
              challenge));
      send(new RoomPake(1, pake.round1()));
      for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(in)) != null; ) {
        LinkMessage m = LinkCodec.fromFrame(f);
        if (m instanceof Close c) {
          closed = c.message();
          return;
        } else if (m instanceof Hello h) {
          theirs = h;
        } else if (m instanceof RoomPake r && r.round() == 1 && theirs != null) {
          if (pake.acceptRound1(theirs.peerId(), r.payload()) != null) {
            throw new IllegalStateException("the member's round 1 did not check");
          }
          return; // stop here: round 2 later
        }
      }
      closed = "end of stream";
    }

    /** Runs round 2 and 3; returns the peer's Close message. */
    String finish() throws IOException {
      if (closed != null) {
        return closed;
      }
      byte[] t =
          HelloProofs.transcript(
              "",
              identity.peerId(),
              theirs.peerId(),
              theirs.challenge(),
              challenge,
              LinkTls.localCertificateHash(socket),
              LinkTls.peerCertificateHash(socket));
      send(new HelloProof(identity.sign(t), new byte[0]));
      send(new RoomPake(2, pake.round2()));
      try {
        for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(in)) != null; ) {
          LinkMessage m = LinkCodec.fromFrame(f);
          if (m instanceof Close c) {
            return c.message();
          } else if (m instanceof RoomPake r && r.round() == 2) {
            if (pake.acceptRound2(r.payload()) != null) {
              return "round 2 did not check";
            }
            send(new RoomPake(3, pake.round3()));
          } else if (m instanceof RoomPake r && r.round() == 3) {
            confirmationSeen = true; // wrong or right, the guess is answered now
          }
        }
      } catch (IOException e) {
        return "connection lost: " + e.getMessage();
      }
      return "end of stream";
    }

    void close() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException e) {
        // gone
      }
    }

    private void send(LinkMessage m) throws IOException {
      LinkCodec.toFrame(m).writeDelimitedTo(out);
      out.flush();
    }
  }
}
