package meshchat.testkit.fuzz;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import meshchat.proto.v1.Error;
import meshchat.proto.v1.Heartbeat;
import meshchat.proto.v1.Lookup;
import meshchat.proto.v1.Member;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.proto.v1.Unregister;
import meshchat.tracker.pipeline.Frames;
import meshchat.wire.Framing;

/** Valid encoded frames of every message type: the fuzzer's starting points. */
public final class Seeds {
  public static final String ROOM = "lobby";
  private static final SplittableRandom random = new SplittableRandom(1);
  public static final Identity SELF_KEY = Identity.seeded(random);
  public static final Identity OTHER_KEY = Identity.seeded(random);
  public static final PeerId SELF = SELF_KEY.peerId();
  public static final PeerId OTHER = OTHER_KEY.peerId();

  /** The Hello challenges of the fuzzed link: fixed, so that a recorded handshake stays valid. */
  public static final byte[] SELF_CHALLENGE = new byte[32];

  public static final byte[] OTHER_CHALLENGE = new byte[32];

  private Seeds() {}

  /** A Hello with the key of {@code id} (SELF or OTHER) and its fixed challenge. */
  public static LinkMessage.Hello hello(PeerId id) {
    Identity key = id.equals(SELF) ? SELF_KEY : OTHER_KEY;
    byte[] challenge = id.equals(SELF) ? SELF_CHALLENGE : OTHER_CHALLENGE;
    return new LinkMessage.Hello(Framing.PROTOCOL_VERSION, id, "them", ROOM, 5000, 3)
        .withIdentity(key.publicKey(), challenge);
  }

  /** OTHER's proof for its link to SELF: with {@link #hello(PeerId)}, a complete handshake. */
  public static LinkMessage.HelloProof otherProof() {
    byte[] t = HelloProofs.transcript(ROOM, OTHER, SELF, SELF_CHALLENGE, OTHER_CHALLENGE);
    return new LinkMessage.HelloProof(OTHER_KEY.sign(t), new byte[0]);
  }

  /** Every link message type, with repeated fields filled. */
  public static List<byte[]> link() {
    ChainAuthor other = new ChainAuthor(OTHER_KEY, ROOM);
    ChatMessage first = other.next(6, 1_699_999_999_000L, "bob", "first", List.of());
    ChatMessage chat =
        other.next(
            7,
            1_700_000_000_000L,
            "bob",
            "héllo wörld",
            List.of(new MessageId(SELF, 1), new MessageId(OTHER, 1)));
    ChainHead head = other.head();
    SeqSet held = SeqSet.of(3, List.of(new SeqRange(5, 6), new SeqRange(9, 12)));
    List<LinkMessage> all =
        List.of(
            hello(OTHER),
            otherProof(),
            new LinkMessage.Chat(first),
            new LinkMessage.Chat(chat),
            new LinkMessage.Head(head),
            new LinkMessage.Digest(
                List.of(
                    new LinkMessage.DigestEntry(OTHER, held),
                    new LinkMessage.DigestEntry(SELF, SeqSet.of(1, List.of()))),
                true),
            new LinkMessage.SyncRequest(
                4,
                List.of(
                    new LinkMessage.Want(OTHER, new SeqRange(1, 3)),
                    new LinkMessage.Want(SELF, new SeqRange(2, 2))),
                100),
            new LinkMessage.SyncBatch(4, List.of(first, chat), true, List.of(head)),
            new LinkMessage.Ping(42),
            new LinkMessage.Pong(42),
            new LinkMessage.PeerList(
                List.of(
                    new LinkMessage.PeerAddress(OTHER, "bob", "127.0.0.1", 5000),
                    new LinkMessage.PeerAddress(SELF, "me", "example.org", 4000))),
            new LinkMessage.Close(CloseReason.LEAVING, "bye"));
    List<byte[]> out = new ArrayList<>();
    for (LinkMessage m : all) {
      out.add(LinkCodec.toFrame(m).toByteArray());
    }
    // the same two messages as live chat frames in a link's context: origins by number, the
    // second without prev and with its wall time as a difference (protocol.md, "Link context")
    for (byte[] framed : LinkContextFrames.written(List.of(first, chat))) {
      out.add(unprefixed(framed));
    }
    return out;
  }

  private static byte[] unprefixed(byte[] framed) {
    int at = 0;
    while (framed[at] < 0) {
      at++;
    }
    return Arrays.copyOfRange(framed, at + 1, framed.length);
  }

  public static TrackerFrame register(long requestId) {
    return TrackerFrame.newBuilder()
        .setRegister(
            Register.newBuilder()
                .setRequestId(requestId)
                .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                .setRoom(ROOM)
                .setPeerId(ByteString.copyFrom(OTHER.toBytes()))
                .setNick("bob")
                .setHost("")
                .setPort(5000))
        .build();
  }

  /** Every peer-to-tracker type, plus the tracker-to-peer ones a hostile client might send. */
  public static List<byte[]> tracker() {
    List<TrackerFrame> all =
        List.of(
            register(1),
            TrackerFrame.newBuilder()
                .setLookup(
                    Lookup.newBuilder()
                        .setRequestId(2)
                        .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                        .setRoom(ROOM))
                .build(),
            TrackerFrame.newBuilder()
                .setUnregister(Unregister.newBuilder().setRequestId(3).setRoom(ROOM))
                .build(),
            TrackerFrame.newBuilder().setHeartbeat(Heartbeat.newBuilder().setNonce(9)).build(),
            Frames.error(5, Error.Code.PROTOCOL_ERROR, "x", true),
            TrackerFrame.newBuilder()
                .setMemberJoined(
                    MemberJoined.newBuilder()
                        .setRoom(ROOM)
                        .setMember(
                            Member.newBuilder()
                                .setPeerId(ByteString.copyFrom(SELF.toBytes()))
                                .setNick("me")
                                .setHost("10.0.0.1")
                                .setPort(4000)))
                .build());
    List<byte[]> out = new ArrayList<>();
    for (TrackerFrame f : all) {
      out.add(f.toByteArray());
    }
    return out;
  }
}
