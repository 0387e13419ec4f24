package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.wire.Framing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * A live chat written past the pipeline's handlers ({@link LiveChatPath}) reaches TLS as the very
 * bytes, in the very order, that the pipeline would have written, whatever mix of live chats,
 * heads, unchained chats and large frames the room writes; and a pipeline with an outbound handler
 * the path does not know keeps every write in the pipeline.
 */
class LiveChatPathTest {
  private static final String ROOM = "lobby";
  private final SplittableRandom random = new SplittableRandom(11);
  private final Identity me = Identity.seeded(random);
  private final PeerId self = me.peerId();
  private final Identity them = Identity.seeded(random);
  private final PeerId other = them.peerId();
  private static final byte[] OUR_CHALLENGE = new byte[32];
  private static final byte[] THEIR_CHALLENGE = new byte[32];

  /** What passes below the coalescer, as TLS would see it: the bytes, in order. */
  private static final class Below extends ChannelOutboundHandlerAdapter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ByteBuf b = (ByteBuf) msg;
      bytes.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
      if (!promise.isVoid()) {
        promise.setSuccess();
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {}
  }

  /**
   * A link as a real one is built (the coalescer above TLS, here a recorder), its handshake done.
   */
  private record Up(EmbeddedChannel channel, NettyLink link, Below below) {}

  private enum Variant {
    AS_BUILT,
    UNKNOWN_HANDLER,
    NO_COALESCER
  }

  private Up up(Variant variant) {
    AtomicReference<Link> up = new AtomicReference<>();
    LinkSetup setup =
        new LinkSetup(
            LinkConfig.defaults(),
            me,
            ROOM,
            () -> new Hello(Framing.PROTOCOL_VERSION, self, "me", ROOM, 0, 1),
            new LinkEvents() {
              @Override
              public void up(Link link) {
                up.set(link);
              }

              @Override
              public void received(Link link, List<LinkMessage> messages) {}

              @Override
              public void down(Link link) {}
            },
            "[test]",
            new Counters(),
            null,
            () -> OUR_CHALLENGE);
    EmbeddedChannel ch = new EmbeddedChannel();
    LinkPipeline.build(ch.pipeline(), setup, false);
    Below below = new Below();
    ch.pipeline().addFirst("below", below);
    if (variant != Variant.NO_COALESCER) {
      ch.pipeline().addBefore("frame-decoder", "coalesce", new WriteCoalescer());
    }
    if (variant == Variant.UNKNOWN_HANDLER) {
      ch.pipeline().addAfter("link-codec", "other", new ChannelOutboundHandlerAdapter());
    }
    ch.pipeline().fireChannelActive();
    ByteBuf b = Unpooled.buffer();
    Frames.frame(
        b,
        new Hello(Framing.PROTOCOL_VERSION, other, "them", ROOM, 0, 1)
            .withIdentity(them.publicKey(), THEIR_CHALLENGE));
    byte[] t = HelloProofs.transcript(ROOM, other, self, OUR_CHALLENGE, THEIR_CHALLENGE);
    Frames.frame(b, new LinkMessage.HelloProof(them.sign(t), new byte[0]));
    ch.writeInbound(b);
    assertThat(up.get()).isNotNull();
    ch.flushOutbound();
    below.bytes.reset(); // the handshake's own frames
    return new Up(ch, (NettyLink) up.get(), below);
  }

  /**
   * A room's writes: authors interleaved, deps on others' latest, a head after a burst, now and
   * then an unchained chat (the verifier drops it) and texts past the coalescer's small frames.
   */
  private static List<LinkMessage> traffic(long seed, int n) {
    Random r = new Random(seed);
    List<ChainAuthor> authors = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < 4; i++) {
      authors.add(new ChainAuthor(Identity.seeded(seeds.split()), ROOM));
    }
    List<LinkMessage> out = new ArrayList<>();
    List<MessageId> latest = new ArrayList<>();
    long lamport = 1;
    for (int i = 0; i < n; i++) {
      ChainAuthor a = authors.get(r.nextInt(authors.size()));
      List<MessageId> deps = new ArrayList<>();
      for (MessageId d : latest) {
        if (!d.origin().equals(a.identity().peerId()) && r.nextBoolean()) {
          deps.add(d);
        }
      }
      int size = r.nextInt(10) == 0 ? 2_000 + r.nextInt(6_000) : r.nextInt(200);
      String text = "t".repeat(size);
      if (r.nextInt(20) == 0) {
        MessageId id = new MessageId(a.identity().peerId(), 1_000_000 + i);
        out.add(new LinkMessage.Chat(new ChatMessage(id, lamport++, 1_000L, "u", text, deps)));
        continue;
      }
      ChatMessage m = a.next(lamport++, 1_700_000_000_000L + i, "n" + r.nextInt(3), text, deps);
      latest.removeIf(d -> d.origin().equals(m.origin()));
      latest.add(m.id());
      out.add(new LinkMessage.Chat(m));
      if (r.nextInt(4) == 0) {
        out.add(new LinkMessage.Head(a.head()));
      }
    }
    return out;
  }

  private static byte[] sent(Up u, List<LinkMessage> traffic, long seed) {
    Random flushes = new Random(seed);
    for (LinkMessage m : traffic) {
      u.link().write(m);
      if (flushes.nextInt(8) == 0) {
        u.link().flush();
      }
    }
    u.link().flush();
    u.channel().runPendingTasks();
    return u.below().bytes.toByteArray();
  }

  @Property(tries = 30)
  void liveChatsPastThePipelineReachTlsAsThePipelinesBytes(@ForAll long seed) {
    List<LinkMessage> traffic = traffic(seed, 60);
    Up fast = up(Variant.AS_BUILT);
    Up piped = up(Variant.AS_BUILT);
    assertThat(fast.link().liveChatsPastPipeline()).isTrue();
    piped.link().liveChats(null); // every write through the pipeline, as before
    byte[] a = sent(fast, traffic, seed);
    byte[] b = sent(piped, traffic, seed);
    assertThat(a).isNotEmpty();
    assertThat(a).isEqualTo(b);
    fast.channel().finishAndReleaseAll();
    piped.channel().finishAndReleaseAll();
  }

  @Test
  void anOutboundHandlerThePathDoesNotKnowKeepsWritesInThePipeline() {
    Up u = up(Variant.UNKNOWN_HANDLER);
    assertThat(u.link().liveChatsPastPipeline()).isFalse();
    u.channel().finishAndReleaseAll();
  }

  @Test
  void theBuiltIdleTimerTimesReadsOnlySoWritesPastItLoseNothing() {
    Up u = up(Variant.AS_BUILT);
    LinkIdle idle = u.channel().pipeline().get(LinkIdle.class);
    assertThat(idle).isNotNull();
    assertThat(LiveChatPath.timesWrites(idle)).isFalse();
    assertThat(idle.getReaderIdleTimeInMillis()).isPositive();
    assertThat(u.link().liveChatsPastPipeline()).isTrue();
    u.channel().finishAndReleaseAll();
  }

  @Test
  void aLinkWithoutACoalescerWritesThroughThePipeline() {
    Up u = up(Variant.NO_COALESCER);
    assertThat(u.link().liveChatsPastPipeline()).isFalse();
    u.channel().finishAndReleaseAll();
  }

  @Test
  void aChatAfterTheCoalescerLeftThePipelineGoesThroughIt() {
    Up u = up(Variant.AS_BUILT);
    WriteCoalescer coalescer = (WriteCoalescer) u.channel().pipeline().remove("coalesce");
    assertThat(coalescer.inPipeline()).isFalse();
    ChainAuthor a = new ChainAuthor(Identity.seeded(new SplittableRandom(3)), ROOM);
    u.link().write(new LinkMessage.Chat(a.next("hello")));
    u.link().flush();
    assertThat(u.below().bytes.toByteArray()).isNotEmpty(); // by the pipeline, not the coalescer
    assertThat(new String(u.below().bytes.toByteArray(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("hello");
    u.channel().finishAndReleaseAll();
  }
}
