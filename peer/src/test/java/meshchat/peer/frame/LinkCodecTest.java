package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import meshchat.proto.v1.Hello;
import meshchat.proto.v1.LinkFrame;
import meshchat.proto.v1.Membership;
import meshchat.proto.v1.PeerList;
import meshchat.proto.v1.SeqRange.Builder;
import meshchat.proto.v1.SyncRequest;
import meshchat.wire.BoundedVarint32FrameDecoder;
import meshchat.wire.FrameEncoder;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

class LinkCodecTest {
  private final SplittableRandom random = new SplittableRandom(3);
  private final PeerId a = PeerId.random(random);
  private final PeerId b = PeerId.random(random);

  private List<LinkMessage> everyKind() {
    ChatMessage m =
        new ChatMessage(
            new MessageId(a, 3),
            7,
            1_700_000_000_000L,
            "ann",
            "héllo \"x\"",
            List.of(new MessageId(b, 2)),
            new byte[32]);
    ChainHead head = new ChainHead(a, 3, new byte[32], new byte[64], new byte[32]);
    byte[] otherHash = new byte[32];
    otherHash[0] = 1;
    ChainHead other = new ChainHead(a, 3, otherHash, new byte[64], new byte[32]);
    return List.of(
        new LinkMessage.Head(head),
        new LinkMessage.Equivocated(new Equivocation(head, List.of(), other, List.of())),
        new LinkMessage.SyncBatch(9, List.of(m), true, List.of(head)),
        new LinkMessage.Hello(1, a, "ann", "lobby", 7000, 5),
        new LinkMessage.Chat(m),
        new LinkMessage.Digest(
            List.of(new LinkMessage.DigestEntry(a, SeqSet.of(4, List.of(new SeqRange(7, 9))))),
            true),
        new LinkMessage.SyncRequest(9, List.of(new LinkMessage.Want(b, new SeqRange(1, 5))), 100),
        new LinkMessage.SyncBatch(9, List.of(m), true),
        new LinkMessage.Ping(11),
        new LinkMessage.Pong(11),
        new LinkMessage.IHave(List.of(new MessageId(b, 3), new MessageId(b, 4))),
        new LinkMessage.Graft(List.of(new MessageId(b, 3))),
        new LinkMessage.Prune(),
        new LinkMessage.Prune(List.of(b, a)),
        new LinkMessage.PeerList(List.of(new LinkMessage.PeerAddress(b, "bob", "10.0.0.2", 7001))),
        new LinkMessage.Close(CloseReason.DUPLICATE_LINK, "why"),
        new LinkMessage.Join(),
        new LinkMessage.ForwardJoin(new LinkMessage.PeerAddress(b, "bob", "10.0.0.2", 7001), 6),
        new LinkMessage.Neighbor(true),
        new LinkMessage.Neighbor(false),
        new LinkMessage.Shuffle(
            4, List.of(new LinkMessage.PeerAddress(a, "ann", "10.0.0.1", 7000))),
        new LinkMessage.ShuffleReply(List.of()));
  }

  @Test
  void everyMessageKindSurvivesARoundTripThroughAChannel() {
    // the link pipeline's framing and codec, both ways: chat, head and history frames go by the
    // direct writer and reader, the others by the generated classes
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(), new LinkCodec());
    EmbeddedChannel in =
        new EmbeddedChannel(
            new BoundedVarint32FrameDecoder(Framing.DEFAULT_MAX_FRAME_BYTES),
            new LinkFrameDecoder(null),
            new LinkCodec());
    for (LinkMessage m : everyKind()) {
      out.writeOutbound(m);
      ByteBuf f = out.readOutbound();
      in.writeInbound(f);
      LinkMessage back = in.readInbound();
      if (m instanceof LinkMessage.Digest d) {
        // SeqSet has value equality; records compare field by field
        assertThat(((LinkMessage.Digest) back).entries().get(0).held())
            .isEqualTo(d.entries().get(0).held());
      } else {
        assertThat(back).isEqualTo(m);
      }
    }
  }

  private static void rejects(LinkFrame f, CloseReason reason) {
    assertThatThrownBy(() -> LinkCodec.fromFrame(f))
        .isInstanceOfSatisfying(
            LinkFrameException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void anUnsetEnvelopeIsAProtocolError() {
    rejects(LinkFrame.getDefaultInstance(), CloseReason.PROTOCOL_ERROR);
  }

  @Test
  void anEmptyOrLongPeerIdIsInvalid() {
    rejects(
        LinkFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)).build(),
        CloseReason.INVALID_MESSAGE);
    rejects(
        LinkFrame.newBuilder()
            .setHello(Hello.newBuilder().setPeerId(ByteString.copyFrom(new byte[65])))
            .build(),
        CloseReason.INVALID_MESSAGE);
  }

  private meshchat.proto.v1.ChatMessage.Builder chat() {
    return meshchat.proto.v1.ChatMessage.newBuilder()
        .setOrigin(ByteString.copyFrom(a.toBytes()))
        .setSeq(1)
        .setLamport(1)
        .setPrev(ByteString.copyFrom(new byte[32]));
  }

  @Test
  void aChatWithoutA32BytePrevIsInvalid() {
    rejects(
        LinkFrame.newBuilder().setChat(chat().setPrev(ByteString.copyFrom(new byte[31]))).build(),
        CloseReason.INVALID_MESSAGE);
    rejects(
        LinkFrame.newBuilder().setChat(chat().setPrev(ByteString.copyFrom(new byte[33]))).build(),
        CloseReason.INVALID_MESSAGE);
    // history never implies a prev; a live chat frame may leave it out where its link implies it,
    // which ChainCheck decides (LinkContextTest)
    rejects(
        LinkFrame.newBuilder()
            .setSyncBatch(meshchat.proto.v1.SyncBatch.newBuilder().addMessages(chat().clearPrev()))
            .build(),
        CloseReason.INVALID_MESSAGE);
  }

  @Test
  void aNickChangeCarriesItsKindAndNoTextAndAnUnknownKindIsInvalid() {
    LinkMessage m =
        LinkCodec.fromFrame(
            LinkFrame.newBuilder().setChat(chat().setKindValue(1).setNick("alicia")).build());
    assertThat(((LinkMessage.Chat) m).message().kind()).isEqualTo(ChatMessage.Kind.NICK);
    assertThat(LinkCodec.toFrame(m).getChat().getKindValue()).isEqualTo(1);
    assertThat(
            LinkCodec.toFrame(LinkCodec.fromFrame(LinkFrame.newBuilder().setChat(chat()).build()))
                .getChat()
                .getKindValue())
        .isZero();
    rejects(
        LinkFrame.newBuilder().setChat(chat().setKindValue(1).setText("hi")).build(),
        CloseReason.INVALID_MESSAGE);
    for (int kind : new int[] {2, -1, Integer.MAX_VALUE}) {
      rejects(
          LinkFrame.newBuilder().setChat(chat().setKindValue(kind)).build(),
          CloseReason.INVALID_MESSAGE);
    }
  }

  @Test
  void seqAndLamportMustBePositive() {
    assertThat(LinkCodec.fromFrame(LinkFrame.newBuilder().setChat(chat()).build()))
        .isInstanceOf(LinkMessage.Chat.class);
    rejects(LinkFrame.newBuilder().setChat(chat().setSeq(0)).build(), CloseReason.INVALID_MESSAGE);
    rejects(
        LinkFrame.newBuilder().setChat(chat().setLamport(0)).build(), CloseReason.INVALID_MESSAGE);
    rejects(LinkFrame.newBuilder().setChat(chat().setSeq(-1)).build(), CloseReason.INVALID_MESSAGE);
  }

  @Test
  void rangesMustBeOrderedAndStartAtOne() {
    Builder bad = meshchat.proto.v1.SeqRange.newBuilder().setFirst(5).setLast(2);
    rejects(
        LinkFrame.newBuilder()
            .setSyncRequest(
                SyncRequest.newBuilder()
                    .addWants(
                        SyncRequest.Want.newBuilder()
                            .setOrigin(ByteString.copyFrom(a.toBytes()))
                            .setRange(bad)))
            .build(),
        CloseReason.INVALID_MESSAGE);
    rejects(
        LinkFrame.newBuilder()
            .setSyncRequest(
                SyncRequest.newBuilder()
                    .addWants(
                        SyncRequest.Want.newBuilder().setOrigin(ByteString.copyFrom(a.toBytes()))))
            .build(),
        CloseReason.INVALID_MESSAGE);
  }

  /** rev27 F1: a host goes to the peer cache, /who and dials; only a host name or address does. */
  @Test
  void aPeerListHostThatIsNoHostNameOrAddressIsKeptAsANameWithNoAddress() {
    LinkFrame f =
        LinkFrame.newBuilder()
            .setPeerList(
                PeerList.newBuilder()
                    .addPeers(entry(a, "h\t1\nlobby\u001b[2J", 7000).setNick("ann"))
                    .addPeers(entry(b, "10.0.0.2", 7001).setNick("bob")))
            .build();
    LinkMessage.PeerList list = (LinkMessage.PeerList) LinkCodec.fromFrame(f);
    assertThat(list.peers())
        .containsExactly(
            new LinkMessage.PeerAddress(a, "ann", "", 0),
            new LinkMessage.PeerAddress(b, "bob", "10.0.0.2", 7001));
  }

  private static PeerList.Entry.Builder entry(PeerId id, String host, int port) {
    return PeerList.Entry.newBuilder()
        .setPeerId(ByteString.copyFrom(id.toBytes()))
        .setHost(host)
        .setPort(port);
  }

  @Test
  void aPortAbove65535IsInvalid() {
    rejects(
        LinkFrame.newBuilder()
            .setPeerList(PeerList.newBuilder().addPeers(entry(a, "", 70000)))
            .build(),
        CloseReason.INVALID_MESSAGE);
  }

  @Test
  void membershipNumbersAndListsAreBounded() {
    Membership.Peer bob =
        Membership.Peer.newBuilder()
            .setPeerId(ByteString.copyFrom(b.toBytes()))
            .setHost("10.0.0.2")
            .setPort(7001)
            .build();
    invalid(
        Membership.newBuilder()
            .setForwardJoin(Membership.ForwardJoin.newBuilder().setPeer(bob).setTtl(-1))
            .build(),
        CloseReason.INVALID_MESSAGE);
    invalid(
        Membership.newBuilder()
            .setForwardJoin(Membership.ForwardJoin.newBuilder().setTtl(1))
            .build(),
        CloseReason.INVALID_MESSAGE);
    invalid(
        Membership.newBuilder()
            .setForwardJoin(
                Membership.ForwardJoin.newBuilder().setPeer(bob.toBuilder().setPort(0)).setTtl(1))
            .build(),
        CloseReason.INVALID_MESSAGE);
    invalid(
        Membership.newBuilder()
            .setForwardJoin(
                Membership.ForwardJoin.newBuilder()
                    .setPeer(bob.toBuilder().setHost("10.0.0.2\n\u001b[2J"))
                    .setTtl(1))
            .build(),
        CloseReason.INVALID_MESSAGE);
    Membership.Shuffle.Builder big = Membership.Shuffle.newBuilder().setTtl(1);
    for (int i = 0; i <= MembershipFrames.MAX_SHUFFLE_PEERS; i++) {
      big.addPeers(bob);
    }
    invalid(Membership.newBuilder().setShuffle(big).build(), CloseReason.INVALID_MESSAGE);
    invalid(
        Membership.newBuilder().setShuffle(Membership.Shuffle.newBuilder().setTtl(1)).build(),
        CloseReason.INVALID_MESSAGE);
    invalid(Membership.getDefaultInstance(), CloseReason.PROTOCOL_ERROR);
  }

  private static void invalid(Membership m, CloseReason reason) {
    LinkFrame f = LinkFrame.newBuilder().setMembership(m).build();
    assertThatThrownBy(() -> LinkCodec.fromFrame(f))
        .isInstanceOfSatisfying(
            LinkFrameException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
