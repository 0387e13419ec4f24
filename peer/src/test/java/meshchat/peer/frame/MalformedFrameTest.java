package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.proto.v1.ChainHead;
import meshchat.proto.v1.ChatMessage;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.Digest;
import meshchat.proto.v1.DigestEntry;
import meshchat.proto.v1.Hello;
import meshchat.proto.v1.LinkFrame;
import meshchat.proto.v1.MessageId;
import meshchat.proto.v1.PeerList;
import meshchat.proto.v1.SeqRange;
import meshchat.proto.v1.SyncBatch;
import meshchat.proto.v1.SyncRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One bad instance per field constraint of every link message type: each is refused with a reason
 * and a one-line message naming the field, never an unchecked exception.
 */
class MalformedFrameTest {
  private static final ByteString ID = ByteString.copyFrom(new byte[16]);
  private static final ByteString ID65 = ByteString.copyFrom(new byte[65]);

  private static Hello.Builder hello() {
    return Hello.newBuilder().setProtocolVersion(1).setPeerId(ID).setNick("n").setRoom("r");
  }

  private static ChainHead.Builder head() {
    return ChainHead.newBuilder()
        .setOrigin(ID)
        .setSeq(1)
        .setHash(ByteString.copyFrom(new byte[32]))
        .setSignature(ByteString.copyFrom(new byte[64]));
  }

  private static ChatMessage.Builder chat() {
    return ChatMessage.newBuilder()
        .setOrigin(ID)
        .setSeq(1)
        .setLamport(1)
        .setNick("n")
        .setText("t")
        .setPrev(ByteString.copyFrom(new byte[32]));
  }

  private static MessageId dep() {
    return MessageId.newBuilder().setOrigin(ID).setSeq(1).build();
  }

  private static SeqRange range(long first, long last) {
    return SeqRange.newBuilder().setFirst(first).setLast(last).build();
  }

  private static SyncRequest.Want want(long first, long last) {
    return SyncRequest.Want.newBuilder().setOrigin(ID).setRange(range(first, last)).build();
  }

  private static PeerList.Entry entry() {
    return PeerList.Entry.newBuilder().setPeerId(ID).setNick("n").setHost("h").setPort(1).build();
  }

  private static <T> List<T> times(int n, T t) {
    return Collections.nCopies(n, t);
  }

  private static Arguments bad(String field, LinkFrame frame, String mentions) {
    return Arguments.of(field, frame, mentions);
  }

  private static LinkFrame f(UnaryOperator<LinkFrame.Builder> body) {
    return body.apply(LinkFrame.newBuilder()).build();
  }

  static Stream<Arguments> cases() {
    String big = "x".repeat(LinkCodec.MAX_TEXT_BYTES + 1);
    return Stream.of(
        bad("envelope unset", LinkFrame.getDefaultInstance(), "no known body"),
        // Hello
        bad("hello.peer_id empty", f(b -> b.setHello(hello().clearPeerId())), "peer id"),
        bad("hello.peer_id 65 bytes", f(b -> b.setHello(hello().setPeerId(ID65))), "peer id"),
        bad("hello.nick too long", f(b -> b.setHello(hello().setNick(big))), "nick bytes"),
        bad("hello.room too long", f(b -> b.setHello(hello().setRoom(big))), "room bytes"),
        bad("hello.listen_port > 65535", f(b -> b.setHello(hello().setListenPort(70000))), "port"),
        bad("hello.lamport negative", f(b -> b.setHello(hello().setLamport(-1))), "lamport"),
        // ChatMessage
        bad("chat.origin empty", f(b -> b.setChat(chat().clearOrigin())), "peer id"),
        bad("chat.seq 0", f(b -> b.setChat(chat().setSeq(0))), "seq"),
        bad("chat.lamport 0", f(b -> b.setChat(chat().setLamport(0))), "lamport"),
        bad("chat.nick too long", f(b -> b.setChat(chat().setNick(big))), "nick bytes"),
        bad("chat.text too long", f(b -> b.setChat(chat().setText(big))), "text bytes"),
        bad(
            "chat.prev 31 bytes",
            f(b -> b.setChat(chat().setPrev(ByteString.copyFrom(new byte[31])))),
            "prev"),
        // (a live chat may leave prev out where its link implies it: LinkContextTest)
        bad(
            "sync_batch.messages[].prev missing",
            f(b -> b.setSyncBatch(SyncBatch.newBuilder().addMessages(chat().clearPrev()))),
            "prev"),
        bad("head.seq 0", f(b -> b.setHead(head().setSeq(0))), "seq"),
        bad("head.seq -1", f(b -> b.setHead(head().setSeq(-1))), "head seq out of range"),
        bad(
            "head.seq 2^63-1",
            f(b -> b.setHead(head().setSeq(Long.MAX_VALUE))),
            "head seq out of range"),
        bad(
            "head.seq 2^62+1",
            f(b -> b.setHead(head().setSeq(WireBounds.MAX_SEQ + 1))),
            "head seq out of range"),
        bad(
            "head.hash 31 bytes",
            f(b -> b.setHead(head().setHash(ByteString.copyFrom(new byte[31])))),
            "32 bytes"),
        bad(
            "head.public_key 31 bytes",
            f(b -> b.setHead(head().setPublicKey(ByteString.copyFrom(new byte[31])))),
            "key"),
        bad("head.origin empty", f(b -> b.setHead(head().clearOrigin())), "peer id"),
        bad(
            "chat.deps too many",
            f(b -> b.setChat(chat().addAllDeps(times(LinkCodec.MAX_DEPS + 1, dep())))),
            "deps"),
        bad(
            "chat.deps[].origin empty",
            f(b -> b.setChat(chat().addDeps(MessageId.newBuilder().setSeq(1)))),
            "peer id"),
        bad(
            "chat.deps[].seq 0",
            f(b -> b.setChat(chat().addDeps(MessageId.newBuilder().setOrigin(ID)))),
            "seq"),
        // Digest
        bad(
            "digest.entries too many",
            f(
                b ->
                    b.setDigest(
                        Digest.newBuilder()
                            .addAllEntries(
                                times(
                                    LinkCodec.MAX_DIGEST_ENTRIES + 1,
                                    DigestEntry.newBuilder().setOrigin(ID).build())))),
            "digest entries"),
        bad(
            "digest.entries[].beyond too many",
            f(
                b ->
                    b.setDigest(
                        Digest.newBuilder()
                            .addEntries(
                                DigestEntry.newBuilder()
                                    .setOrigin(ID)
                                    .addAllBeyond(
                                        times(LinkCodec.MAX_DIGEST_RANGES, range(5, 6)))))),
            "digest ranges"),
        bad(
            "digest.entries[].origin named twice",
            f(
                b ->
                    b.setDigest(
                        Digest.newBuilder()
                            .addEntries(DigestEntry.newBuilder().setOrigin(ID).setContiguous(1))
                            .addEntries(DigestEntry.newBuilder().setOrigin(ID).setContiguous(2)))),
            "twice"),
        bad(
            "digest.entries[].origin empty",
            f(b -> b.setDigest(Digest.newBuilder().addEntries(DigestEntry.newBuilder()))),
            "peer id"),
        bad(
            "digest.entries[].contiguous negative",
            f(
                b ->
                    b.setDigest(
                        Digest.newBuilder()
                            .addEntries(DigestEntry.newBuilder().setOrigin(ID).setContiguous(-5)))),
            "contiguous"),
        bad(
            "digest.entries[].beyond first 0",
            f(
                b ->
                    b.setDigest(
                        Digest.newBuilder()
                            .addEntries(
                                DigestEntry.newBuilder().setOrigin(ID).addBeyond(range(0, 3))))),
            "range"),
        bad(
            "digest.entries[].beyond last < first",
            f(
                b ->
                    b.setDigest(
                        Digest.newBuilder()
                            .addEntries(
                                DigestEntry.newBuilder().setOrigin(ID).addBeyond(range(9, 3))))),
            "range"),
        // SyncRequest
        bad(
            "sync_request.wants too many",
            f(
                b ->
                    b.setSyncRequest(
                        SyncRequest.newBuilder()
                            .addAllWants(times(LinkCodec.MAX_WANTS + 1, want(1, 2))))),
            "wants"),
        bad(
            "sync_request.wants[].range missing",
            f(
                b ->
                    b.setSyncRequest(
                        SyncRequest.newBuilder()
                            .addWants(SyncRequest.Want.newBuilder().setOrigin(ID)))),
            "range"),
        bad(
            "sync_request.wants[].origin empty",
            f(
                b ->
                    b.setSyncRequest(
                        SyncRequest.newBuilder()
                            .addWants(SyncRequest.Want.newBuilder().setRange(range(1, 2))))),
            "peer id"),
        bad(
            "sync_request.wants[].range inverted",
            f(b -> b.setSyncRequest(SyncRequest.newBuilder().addWants(want(5, 1)))),
            "range"),
        // SyncBatch
        bad(
            "sync_batch.messages too many",
            f(
                b ->
                    b.setSyncBatch(
                        SyncBatch.newBuilder()
                            .addAllMessages(
                                times(LinkCodec.MAX_BATCH_MESSAGES + 1, chat().build())))),
            "batch messages"),
        bad(
            "sync_batch.messages[] bad",
            f(b -> b.setSyncBatch(SyncBatch.newBuilder().addMessages(chat().setSeq(0)))),
            "seq"),
        // PeerList
        bad(
            "peer_list.peers too many",
            f(
                b ->
                    b.setPeerList(
                        PeerList.newBuilder()
                            .addAllPeers(times(LinkCodec.MAX_PEER_LIST + 1, entry())))),
            "peer list entries"),
        bad(
            "peer_list.peers[].peer_id empty",
            f(
                b ->
                    b.setPeerList(
                        PeerList.newBuilder().addPeers(entry().toBuilder().clearPeerId()))),
            "peer id"),
        bad(
            "peer_list.peers[].port > 65535",
            f(
                b ->
                    b.setPeerList(
                        PeerList.newBuilder().addPeers(entry().toBuilder().setPort(65536)))),
            "port"),
        bad(
            "peer_list.peers[].host too long",
            f(
                b ->
                    b.setPeerList(
                        PeerList.newBuilder()
                            .addPeers(entry().toBuilder().setHost("h".repeat(256))))),
            "host bytes"),
        bad(
            "peer_list.peers[].nick too long",
            f(b -> b.setPeerList(PeerList.newBuilder().addPeers(entry().toBuilder().setNick(big)))),
            "nick bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithAReason(String field, LinkFrame frame, String mentions) {
    assertThatThrownBy(() -> LinkCodec.fromFrame(frame))
        .isInstanceOf(LinkFrameException.class)
        .satisfies(
            e -> {
              LinkFrameException l = (LinkFrameException) e;
              assertThat(l.reason()).isIn(CloseReason.INVALID_MESSAGE, CloseReason.PROTOCOL_ERROR);
              assertThat(l.getMessage()).containsIgnoringCase(mentions).doesNotContain("\n");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void survivesTheWireAsWellAsTheBuilder(String field, LinkFrame frame, String mentions)
      throws Exception {
    // the same bytes a hostile peer would send parse back to the same refusal
    LinkFrame parsed = LinkFrame.parseFrom(frame.toByteArray());
    assertThatThrownBy(() -> LinkCodec.fromFrame(parsed)).isInstanceOf(LinkFrameException.class);
  }

  @Test
  void aLongCloseTextIsCutNotRefused() {
    LinkFrame frame =
        f(
            b ->
                b.setClose(
                    Close.newBuilder()
                        .setReason(Close.Reason.LEAVING)
                        .setMessage("y".repeat(5000))));
    assertThat(((LinkMessage.Close) LinkCodec.fromFrame(frame)).message())
        .hasSizeLessThanOrEqualTo(LinkCodec.MAX_CLOSE_TEXT + 3);
  }

  @Test
  void limitsLeaveRoomForHonestTraffic() {
    // exactly at each bound is accepted
    LinkFrame atLimit =
        f(
            b ->
                b.setSyncRequest(
                    SyncRequest.newBuilder().addAllWants(times(LinkCodec.MAX_WANTS, want(1, 2)))));
    assertThat(LinkCodec.fromFrame(atLimit)).isNotNull();
    LinkFrame deps = f(b -> b.setChat(chat().addAllDeps(times(LinkCodec.MAX_DEPS, dep()))));
    assertThat(LinkCodec.fromFrame(deps)).isNotNull();
    // a digest of MAX_DIGEST_ENTRIES origins, each named once
    Digest.Builder digest = Digest.newBuilder();
    for (int i = 0; i < LinkCodec.MAX_DIGEST_ENTRIES; i++) {
      byte[] origin = new byte[16];
      origin[0] = (byte) (i >> 8);
      origin[1] = (byte) i;
      origin[15] = 1;
      digest.addEntries(
          DigestEntry.newBuilder().setOrigin(ByteString.copyFrom(origin)).setContiguous(1));
    }
    LinkFrame full = f(b -> b.setDigest(digest));
    assertThat(((LinkMessage.Digest) LinkCodec.fromFrame(full)).entries())
        .hasSize(LinkCodec.MAX_DIGEST_ENTRIES);
  }
}
