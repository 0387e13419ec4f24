package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UnknownFieldSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.proto.v1.LinkFrame;
import org.junit.jupiter.api.Test;

/**
 * A history batch's messages are read on the verify pool, inside its check, not on the link's
 * thread (docs/benchmarks.md, session 38): what the room gets is what the batch read whole gives,
 * from a heap or a direct buffer, small or past the decoder's kept array; a message this reader
 * does not read still goes to the generated parser; a message that breaks a rule still closes the
 * link, after the batch before it is passed on. The "pool" runs its work when the test says so.
 */
class DeferredBatchTest {
  private static final String ROOM = "lobby";
  private final ChainAuthor alice = new ChainAuthor(Identity.generate(), ROOM);
  private final Counters counters = new Counters();
  private final List<Runnable> queued = new ArrayList<>();
  private final Executor pool = queued::add;

  private EmbeddedChannel link(Executor verify) {
    LinkContext context = new LinkContext(ROOM);
    return new EmbeddedChannel(
        new LinkFrameDecoder(null, context, true),
        new LinkCodec(null, context),
        new ChainVerifier(ROOM, counters, verify));
  }

  private void checksDone(EmbeddedChannel ch) {
    while (!queued.isEmpty()) {
      List<Runnable> now = List.copyOf(queued);
      queued.clear();
      now.forEach(Runnable::run);
      ch.runPendingTasks();
    }
  }

  private LinkMessage.SyncBatch batch(long id, int n, int textBytes) {
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      messages.add(alice.next("x".repeat(textBytes)));
    }
    return new LinkMessage.SyncBatch(id, messages, false, List.of(alice.head()));
  }

  private static byte[] frame(LinkMessage m) {
    return LinkCodec.toFrame(m).toByteArray();
  }

  /** A batch passed on, by what the room takes of it: its request, messages and flag. */
  private static List<Object> read(List<Object> out) {
    return out.stream()
        .map(
            o ->
                o instanceof LinkMessage.SyncBatch b
                    ? (Object) List.of(b.requestId(), b.messages(), b.done(), b.heads().size())
                    : o)
        .toList();
  }

  private static ByteBuf direct(byte[] frame) {
    ByteBuf b = Unpooled.directBuffer(frame.length);
    b.writeBytes(frame);
    return b;
  }

  @Test
  void theDecoderHandsOnABatchWithItsHeadsReadAndItsMessagesNotYetInItsOwnCopy() {
    LinkMessage.SyncBatch b = batch(3, 2, 10);
    byte[] bytes = frame(b);
    EmbeddedChannel decoder =
        new EmbeddedChannel(new LinkFrameDecoder(null, new LinkContext(ROOM), true));
    decoder.writeInbound(Unpooled.wrappedBuffer(bytes)); // a heap buffer: Netty's array
    Arrays.fill(bytes, (byte) 0); // the buffer's array reused for the link's next bytes
    Object out = decoder.readInbound();
    assertThat(out).isInstanceOf(LinkFrameReader.DeferredBatch.class);
    LinkFrameReader.DeferredBatch d = (LinkFrameReader.DeferredBatch) out;
    assertThat(d.shell().messages()).isEmpty();
    assertThat(d.shell().heads()).isEqualTo(b.heads());
    assertThat(d.shell().requestId()).isEqualTo(3);
    assertThat(d.decode()).as("read from its own copy").isEqualTo(b);
    EmbeddedChannel plain = new EmbeddedChannel(new LinkFrameDecoder(null, new LinkContext(ROOM)));
    plain.writeInbound(Unpooled.wrappedBuffer(frame(b)));
    Object whole = plain.readInbound();
    assertThat(whole).as("without deferring: read whole").isEqualTo(b);
  }

  @Test
  void batchesReadOnThePoolComeOutAsReadWholeInTheLinksOrder() throws Exception {
    EmbeddedChannel ch = link(pool);
    LinkMessage.SyncBatch small = batch(1, 3, 20);
    LinkMessage.SyncBatch large = batch(2, 40, 600); // past the decoder's kept array
    assertThat(frame(large).length).isGreaterThan(LinkFrameDecoder.KEPT);
    LinkMessage.Ping ping = new LinkMessage.Ping(5);
    ch.writeInbound(direct(frame(small)), Unpooled.wrappedBuffer(frame(large)), ping);
    assertThat(Inbound.drain(ch)).as("all waits behind the first batch's check").isEmpty();
    checksDone(ch);
    List<Object> out = Inbound.drain(ch);
    assertThat(read(out))
        .containsExactlyElementsOf(
            read(
                List.of(
                    LinkFrameDecoder.decode(frame(small), null),
                    LinkFrameDecoder.decode(frame(large), null),
                    ping)));
    ch.checkException();
  }

  @Test
  void withoutAPoolABatchIsReadAndCheckedOnTheLinksThreadAsBefore() throws Exception {
    EmbeddedChannel ch = link(null);
    LinkMessage.SyncBatch b = batch(1, 3, 20);
    ch.writeInbound(direct(frame(b)));
    assertThat(read(Inbound.drain(ch))).containsExactlyElementsOf(read(List.of(b)));
  }

  @Test
  void aMessageThisReaderDoesNotReadStillGoesToTheGeneratedParser() {
    EmbeddedChannel ch = link(pool);
    LinkMessage.SyncBatch b = batch(1, 2, 20);
    LinkFrame.Builder f = LinkCodec.toFrame(b).toBuilder();
    // a field link.proto does not declare, inside the first message: Protobuf keeps and skips it
    f.getSyncBatchBuilder()
        .getMessagesBuilder(0)
        .setUnknownFields(
            UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                .build());
    ch.writeInbound(direct(f.build().toByteArray()));
    checksDone(ch);
    assertThat(read(Inbound.drain(ch))).containsExactlyElementsOf(read(List.of(b)));
  }

  @Test
  void aMessageThatBreaksARuleClosesTheLinkAfterTheBatchBeforeIt() {
    EmbeddedChannel ch = link(pool);
    LinkMessage.SyncBatch first = batch(1, 2, 20);
    LinkMessage.SyncBatch second = batch(2, 2, 20);
    LinkFrame.Builder f = LinkCodec.toFrame(second).toBuilder();
    f.getSyncBatchBuilder()
        .getMessagesBuilder(1)
        .setNick("n".repeat(LinkCodec.MAX_NICK_BYTES + 1)); // over the bound: refused as read
    ch.writeInbound(direct(frame(first)), direct(f.build().toByteArray()));
    checksDone(ch);
    assertThatThrownBy(ch::checkException)
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            e -> assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE))
        .hasMessageContaining("nick bytes");
    assertThat(read(Inbound.drain(ch))).containsExactlyElementsOf(read(List.of(first)));
  }

  @Test
  void aBatchReadWhenTheLinkClosesUnderItsCheckIsReadThereAndABadOneStillRefused() {
    EmbeddedChannel ch = link(pool);
    LinkMessage.SyncBatch first = batch(1, 2, 20);
    LinkMessage.SyncBatch second = batch(2, 2, 20);
    LinkFrame.Builder f = LinkCodec.toFrame(second).toBuilder();
    f.getSyncBatchBuilder().getMessagesBuilder(0).setNick("n".repeat(LinkCodec.MAX_NICK_BYTES + 1));
    LinkMessage.Ping ping = new LinkMessage.Ping(9);
    ch.writeInbound(direct(frame(first)), direct(f.build().toByteArray()), ping);
    ch.pipeline().fireChannelInactive(); // the first's check still on the pool: run here
    assertThatThrownBy(ch::checkException)
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("nick bytes");
    assertThat(read(Inbound.drain(ch)))
        .as("what was read behind the bad batch still passed on, as behind a refused one")
        .containsExactlyElementsOf(read(List.of(first, ping)));
  }
}
