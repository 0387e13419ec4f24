package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslClosedEngineException;
import java.util.SplittableRandom;
import javax.net.ssl.SSLException;
import meshchat.peer.frame.ChainVerifier;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.wire.BoundedVarint32FrameDecoder;
import org.junit.jupiter.api.Test;

/**
 * What {@code tls_failed} counts (docs/security.md): a record that fails its check, a peer that
 * does not speak TLS, a failed handshake; not a write that raced the link's own clean close (seen
 * when the tie-break ends a duplicate link: "SSLEngine closed already").
 */
class LinkErrorsTest {
  private final Identity me = Identity.seeded(new SplittableRandom(3));
  private final Counters counters = new Counters();
  private final LinkSetup setup = QuietSetup.of(me, counters);

  private EmbeddedChannel link() {
    return new EmbeddedChannel(errors());
  }

  private ChannelInboundHandlerAdapter errors() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LinkErrors.closeFor(ctx, cause, setup);
      }
    };
  }

  /** Frames from the real decoder, errors to LinkErrors: what a link's pipeline does with both. */
  private EmbeddedChannel framedLink() {
    return new EmbeddedChannel(new BoundedVarint32FrameDecoder(1 << 20), errors());
  }

  @Test
  void aConnectionCutInsideAFrameIsAGoneLinkNotABadFrame() {
    EmbeddedChannel ch = framedLink();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {10, 1, 2, 3})); // 3 bytes of a 10-byte frame
    ch.finish(); // the peer was killed mid-write
    assertThat(ch.isOpen()).isFalse();
    assertThat(counters.get(Counter.BAD_FRAME)).isZero();
    assertThat(ch.<Object>readOutbound()).as("no Close on a connection that is gone").isNull();
  }

  @Test
  void aCorruptLengthPrefixIsStillABadFrameAnsweredWithAClose() {
    EmbeddedChannel ch = framedLink();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1, -1, 1})); // 6-byte prefix
    assertThat(counters.get(Counter.BAD_FRAME)).isEqualTo(1);
    assertThat(ch.<Object>readOutbound()).as("the Close").isNotNull();
  }

  @Test
  void aWriteOnAnEngineThatClosedCleanlyClosesTheLinkButIsNoTlsFailure() {
    EmbeddedChannel ch = link();
    ch.pipeline().fireExceptionCaught(new SslClosedEngineException("SSLEngine closed already"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(counters.get(Counter.TLS_FAILED)).isZero();
  }

  @Test
  void aRecordThatFailsItsCheckIsCountedOncePerLink() {
    EmbeddedChannel ch = link();
    ch.pipeline().fireExceptionCaught(new SSLException("SSLV3_ALERT_BAD_RECORD_MAC"));
    ch.pipeline().fireExceptionCaught(new SSLException("BAD_DECRYPT"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(counters.get(Counter.TLS_FAILED)).isEqualTo(1);
  }

  @Test
  void aForgedHeadIsCountedOnceAsABadSignatureNotAlsoAsABadFrame() {
    ChainAuthor alice = new ChainAuthor(Identity.generate(), "lobby");
    ChainAuthor mallory = new ChainAuthor(Identity.generate(), "lobby");
    EmbeddedChannel ch = new EmbeddedChannel(new ChainVerifier("lobby", counters), errors());
    ChatMessage forged = alice.next("send mallory money");
    ChainHead real = alice.head();
    mallory.next("x");
    ChainHead mallorys = mallory.head();
    ch.writeInbound(new LinkMessage.Chat(forged));
    ch.writeInbound(
        new LinkMessage.Head(
            new ChainHead(
                real.origin(),
                real.seq(),
                real.hash(),
                mallorys.signature(),
                mallorys.publicKey())));
    assertThat(ch.isOpen()).as("the link is closed for it").isFalse();
    assertThat(counters.get(Counter.BAD_SIGNATURE)).isEqualTo(1);
    assertThat(counters.get(Counter.BAD_FRAME)).as("one event, one count").isZero();
  }

  @Test
  void aPeerReadsOurOwnReasonsButNeverAnExceptionsText() {
    EmbeddedChannel bug = link();
    bug.pipeline()
        .fireExceptionCaught(
            new IllegalStateException("index 7 out of bounds in /home/alice/.meshchat/secret"));
    LinkMessage.Close c = bug.readOutbound();
    assertThat(c.reason()).isEqualTo(LinkMessage.CloseReason.PROTOCOL_ERROR);
    assertThat(c.message()).isEqualTo("internal error");

    EmbeddedChannel wrapped = link(); // a decoder's bug arrives wrapped
    wrapped
        .pipeline()
        .fireExceptionCaught(
            new io.netty.handler.codec.DecoderException(new NullPointerException("field x")));
    assertThat(wrapped.<LinkMessage.Close>readOutbound().message()).isEqualTo("internal error");

    EmbeddedChannel protobuf = link();
    protobuf
        .pipeline()
        .fireExceptionCaught(
            new io.netty.handler.codec.DecoderException(
                new com.google.protobuf.InvalidProtocolBufferException("While parsing ...")));
    assertThat(protobuf.<LinkMessage.Close>readOutbound().message()).isEqualTo("malformed frame");

    EmbeddedChannel ours = link(); // a reason we wrote for the peer goes as written
    ours.pipeline()
        .fireExceptionCaught(
            new meshchat.peer.frame.LinkFrameException(
                LinkMessage.CloseReason.INVALID_MESSAGE, "chat: seq 0 is not positive"));
    assertThat(ours.<LinkMessage.Close>readOutbound().message())
        .isEqualTo("chat: seq 0 is not positive");
  }

  @Test
  void aLinkTeachesTheKeysOfAtMostMaxKeysAuthorsAndOneMoreClosesItWithLimitExceeded() {
    assertThat(meshchat.peer.frame.ChainCheck.MAX_KEYS)
        .as("the bound links run with")
        .isEqualTo(65_536);
    int max = 256; // the same rule at a bound a test runs through in a moment
    EmbeddedChannel ch =
        new EmbeddedChannel(ChainVerifier.withMaxKeys("lobby", counters, max), errors());
    ChainAuthor first = null;
    for (int i = 0; i < max; i++) {
      ChainAuthor author = new ChainAuthor(Identity.seeded(new SplittableRandom(i)), "lobby");
      first = first == null ? author : first;
      ch.writeInbound(new LinkMessage.Chat(author.next("hi")), new LinkMessage.Head(author.head()));
    }
    int passed = 0;
    for (Object o; (o = ch.readInbound()) != null; ) {
      passed++;
    }
    assertThat(passed).as("every author's line and head, at the bound").isEqualTo(2 * max);
    // an author whose key the link already taught is no new key: still taken at the bound
    ch.writeInbound(new LinkMessage.Chat(first.next("again")), new LinkMessage.Head(first.head()));
    assertThat(ch.<Object>readInbound()).isNotNull();
    assertThat(ch.<Object>readOutbound()).as("no Close at the bound").isNull();

    ChainAuthor oneMore = new ChainAuthor(Identity.generate(), "lobby");
    ch.writeInbound(
        new LinkMessage.Chat(oneMore.next("one author too many")),
        new LinkMessage.Head(oneMore.head()));
    LinkMessage.Close c = ch.readOutbound();
    assertThat(c.reason()).isEqualTo(LinkMessage.CloseReason.LIMIT_EXCEEDED);
    assertThat(c.message()).isEqualTo("keys of more than 256 authors on one link");
    assertThat(ch.isOpen()).isFalse();
    assertThat(counters.get(Counter.LINK_KEYS_REFUSED)).isEqualTo(1);
    assertThat(counters.get(Counter.BAD_SIGNATURE)).isZero();
    assertThat(counters.get(Counter.BAD_FRAME)).isZero();
  }
}
