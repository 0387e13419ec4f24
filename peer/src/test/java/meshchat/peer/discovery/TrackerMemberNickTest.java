package meshchat.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.membership.Membership;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.membership.MembershipEffects;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Member;
import meshchat.tracker.client.MemberStatements;
import meshchat.tracker.client.RegistrationKey;
import meshchat.wire.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * rev36 FINDING-6. security.md: the tracker (or whoever sits on its plain-TCP session) "can still
 * lie about membership ... it cannot make anyone link as a false identity"; "No single hostile
 * frame or member hurts anyone". A member entry's statement is checked (MemberStatements.problem:
 * key, host, room, time, signature) but not its nick, which an honest tracker bounds to 1..32
 * characters (Frames.checkRegistration) and every link decodes to at most 128 bytes
 * (MembershipFrames.peer: "peer nick or host too long" refuses the whole frame). So a hostile
 * tracker, or a man in the middle of the tracker session signing with keys of its own, lists
 * members with a 200-byte nick: the peer takes them (Membership.membersFound: the address book,
 * vouched, and the peer cache, so they come back after a restart), and once the room looks big (40
 * such members: more than the 32 links, Membership.partial) its own Shuffles and ShuffleReplies
 * carry them to honest neighbours, each of which refuses the frame and closes the link to it
 * (INVALID_MESSAGE), again and again. Since session 36 such an entry is refused (counted {@code
 * tracker_member_refused}), and, as a defence in depth, Membership never learns an address whose
 * nick a link would refuse (from a tracker or the peer cache), so it never goes out in a membership
 * frame.
 */
class TrackerMemberNickTest {
  private static final long NOW = 1_795_705_200_000L;
  private static final byte[] SEED = new byte[32];
  private static final byte[] KEY = new byte[32];
  private static final byte[] NONCE = new byte[32];

  static {
    Arrays.fill(SEED, (byte) 3);
    Arrays.fill(NONCE, (byte) 0x41);
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(SEED, 0, KEY, 0);
  }

  private static Member signed(String nick) {
    byte[] id = Ed25519.fingerprint(KEY);
    String host = "203.0.113.9";
    byte[] t = RegistrationKey.transcript(NONCE, host, "general", id, nick, host, 7001, NOW);
    return Member.newBuilder()
        .setPeerId(ByteString.copyFrom(id))
        .setNick(nick)
        .setHost(host)
        .setPort(7001)
        .setPublicKey(ByteString.copyFrom(KEY))
        .setSignature(ByteString.copyFrom(Ed25519.sign(SEED, t)))
        .setTimestampMs(NOW)
        .setSessionNonce(ByteString.copyFrom(NONCE))
        .setObservedHost(host)
        .setAdvertisedHost(host)
        .build();
  }

  @Test
  void whatAnHonestNeighbourRefusesOnALinkIsNotTakenFromATrackerEither() {
    Member m = signed("n".repeat(200));
    // what the peer would then send: a Shuffle naming it, which every honest neighbour refuses
    PeerAddress a =
        new PeerAddress(PeerId.of(m.getPeerId().toByteArray()), m.getNick(), m.getHost(), 7001);
    assertThatThrownBy(
            () -> LinkCodec.fromFrame(LinkCodec.toFrame(new LinkMessage.Shuffle(3, List.of(a)))))
        .as("an honest neighbour decoding our Shuffle")
        .hasMessageContaining("too long");
    // so the entry must be refused where it comes in
    assertThat(MemberStatements.problem("general", m, NOW))
        .as("the problem found with a member entry whose signed nick is 200 bytes")
        .isEqualTo("the member's nick is not one a tracker takes");
    assertThat(MemberStatements.problem("general", signed("bob\u001b]0;x\u0007"), NOW))
        .isEqualTo("the member's nick is not one a tracker takes");
    assertThat(MemberStatements.problem("general", signed(""), NOW))
        .isEqualTo("the member's nick is not one a tracker takes");
    // at the bound (128 bytes, 64 two-byte letters) the entry holds
    assertThat(MemberStatements.problem("general", signed("é".repeat(64)), NOW)).isNull();
  }

  /**
   * The whole way, in virtual time: the tracker names 40 such members (each its own key), a linked
   * honest neighbour is there, and within a minute the peer's own membership frames to that
   * neighbour include a frame the neighbour refuses (and closes the link for).
   */
  @Test
  void aPeerNeverSendsItsNeighbourAMembershipFrameTheNeighbourRefuses() {
    EventQueue time = new EventQueue();
    List<LinkMessage.ViewMessage> sent = new ArrayList<>();
    MembershipEffects fx =
        new MembershipEffects() {
          @Override
          public void dial(PeerAddress address) {}

          @Override
          public void send(PeerId peer, LinkMessage.ViewMessage message) {
            sent.add(message);
          }

          @Override
          public void close(long connection, LinkMessage.Close reason) {}

          @Override
          public void linkUp(long connection, PeerAddress address) {}

          @Override
          public void linkDown(PeerId peer) {}

          @Override
          public void peerUp(PeerId peer, String nick) {}

          @Override
          public void peerDown(PeerId peer, String nick) {}

          @Override
          public void remember(PeerAddress address) {}

          @Override
          public void askForMembers() {}
        };
    Membership m =
        new Membership(
            MembershipConfig.defaults(),
            PeerId.of(new byte[] {1}),
            fx,
            new PeerScheduler(time),
            new SplittableRandom(36));
    m.start(List.of());
    PeerAddress honest = new PeerAddress(PeerId.of(new byte[] {2}), "bob", "198.51.100.2", 7000);
    m.connected(1, honest, false);
    List<PeerAddress> listed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // as RoomSession.address makes them from entries MemberStatements let through
      listed.add(
          new PeerAddress(
              PeerId.of(new byte[] {9, (byte) i}), "n".repeat(200), "203.0.113." + (i + 1), 7001));
    }
    m.membersFound(listed);
    time.advance(60_000);
    int refused = 0;
    for (LinkMessage.ViewMessage v : sent) {
      try {
        LinkCodec.fromFrame(LinkCodec.toFrame(v));
      } catch (RuntimeException e) {
        refused++;
      }
    }
    assertThat(refused)
        .as("membership frames (of %d sent) an honest neighbour refuses", sent.size())
        .isZero();
  }
}
