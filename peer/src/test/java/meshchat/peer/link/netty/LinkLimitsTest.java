package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/** Frames per second per link, and links per address: each bounded, each counted. */
class LinkLimitsTest {
  private final SplittableRandom random = new SplittableRandom(11);
  private final Identity me = Identity.seeded(random);
  private final PeerId self = me.peerId();
  private final Identity them = Identity.seeded(random);
  private final PeerId other = them.peerId();
  private static final byte[] OUR_CHALLENGE = new byte[32]; // fixed, so the proof below is valid
  private static final byte[] THEIR_CHALLENGE = new byte[32];
  private final Counters counters = new Counters();
  private final AtomicInteger received = new AtomicInteger();

  private LinkSetup setup(LinkConfig config) {
    return new LinkSetup(
        config,
        me,
        "lobby",
        () -> new Hello(Framing.PROTOCOL_VERSION, self, "me", "lobby", 0, 1),
        new LinkEvents() {
          @Override
          public void up(Link link) {}

          @Override
          public void received(Link link, List<LinkMessage> messages) {
            received.addAndGet(messages.size());
          }

          @Override
          public void down(Link link) {}
        },
        "[test]",
        counters,
        null,
        () -> OUR_CHALLENGE);
  }

  /** Their half of a valid handshake: Hello, then the proof over our (fixed) challenge. */
  private void handshake(ByteBuf b) {
    Frames.frame(
        b,
        new Hello(Framing.PROTOCOL_VERSION, other, "them", "lobby", 0, 1)
            .withIdentity(them.publicKey(), THEIR_CHALLENGE));
    byte[] t = HelloProofs.transcript("lobby", other, self, OUR_CHALLENGE, THEIR_CHALLENGE);
    Frames.frame(b, new LinkMessage.HelloProof(them.sign(t), new byte[0]));
  }

  @Test
  void aFloodingLinkIsThrottledNotClosedAndNothingIsDropped() {
    EmbeddedChannel ch = new EmbeddedChannel();
    // the rate limit runs on the channel's clock: only advanceTimeBy moves it, never the real time
    // a loaded machine takes between two lines (which refilled the bucket early)
    ch.freezeTime();
    LinkPipeline.build(ch.pipeline(), setup(LinkConfig.defaults().withRateLimit(10, 5)), false);
    ch.pipeline().fireChannelActive();
    ByteBuf burst = Unpooled.buffer();
    handshake(burst);
    for (int i = 0; i < 20; i++) {
      Frames.frame(burst, new LinkMessage.Digest(List.of(), false));
    }
    ch.writeInbound(burst);

    assertThat(ch.config().isAutoRead()).isFalse();
    assertThat(counters.get(Counter.RATE_THROTTLED)).isEqualTo(1);
    assertThat(received.get()).isEqualTo(20); // what one read brought is handled, not dropped
    assertThat(ch.isOpen()).isTrue();

    // 17 frames (Hello, HelloProof, 20 digests) over a bucket of 5 at 10/s: reading resumes
    // after about 1.7 s
    ch.advanceTimeBy(1_600, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.config().isAutoRead()).isFalse();
    ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void anHonestRateIsNeverThrottled() {
    EmbeddedChannel ch = new EmbeddedChannel();
    // the rate limit runs on the channel's clock: only advanceTimeBy moves it, never the real time
    // a loaded machine takes between two lines (which refilled the bucket early)
    ch.freezeTime();
    LinkPipeline.build(ch.pipeline(), setup(LinkConfig.defaults().withRateLimit(10, 5)), false);
    ch.pipeline().fireChannelActive();
    ByteBuf hello = Unpooled.buffer();
    handshake(hello);
    ch.writeInbound(hello);
    for (int i = 0; i < 30; i++) {
      ch.advanceTimeBy(100, TimeUnit.MILLISECONDS); // 10 per second: exactly the rate
      ByteBuf b = Unpooled.buffer();
      Frames.frame(b, new LinkMessage.Digest(List.of(), false));
      ch.writeInbound(b);
    }
    assertThat(counters.get(Counter.RATE_THROTTLED)).isZero();
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void anAddressOverItsLinkLimitIsRefusedWithAReason() throws Exception {
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<Socket> sockets = new ArrayList<>();
    LinkTls tls = LinkTls.forIdentity(them);
    try (LinkEndpoint endpoint =
        new LinkEndpoint(
            io, setup(LinkConfig.defaults().with(cfg -> cfg.maxLinksPerAddress = 2)))) {
      int port = endpoint.listen("127.0.0.1", 0);
      for (int i = 0; i < 2; i++) {
        Socket s = tls.connect(new InetSocketAddress("127.0.0.1", port));
        sockets.add(s);
        assertThat(readFrame(s.getInputStream()).hasHello()).isTrue(); // admitted: our Hello
      }
      Socket third = tls.connect(new InetSocketAddress("127.0.0.1", port));
      sockets.add(third);
      LinkFrame refusal = readFrame(third.getInputStream());
      assertThat(refusal.getClose().getReason()).isEqualTo(Close.Reason.LIMIT_EXCEEDED);
      assertThat(refusal.getClose().getMessage()).contains("too many links from 127.0.0.1");
      assertThat(counters.get(Counter.LINKS_PER_ADDRESS_REFUSED)).isEqualTo(1);

      // a slot frees when a link closes
      sockets.get(0).close();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                try (Socket again = tls.connect(new InetSocketAddress("127.0.0.1", port))) {
                  assertThat(readFrame(again.getInputStream()).hasHello()).isTrue();
                }
              });
      assertThat(CloseReason.valueOf("LIMIT_EXCEEDED")).isNotNull();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static LinkFrame readFrame(InputStream in) throws Exception {
    DataInputStream d = new DataInputStream(in);
    int len = 0;
    for (int shift = 0; ; shift += 7) {
      int b = d.readUnsignedByte();
      len |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] body = new byte[len];
    d.readFully(body);
    return LinkFrame.parseFrom(body);
  }
}
