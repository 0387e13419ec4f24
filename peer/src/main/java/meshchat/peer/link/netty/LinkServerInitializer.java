package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.wire.Framing;
import meshchat.wire.SourceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of a link a peer accepted. One IP address may hold at most {@code
 * maxLinksPerAddress} connections at once, handshaken or not: a host that opens thousands cannot
 * exhaust our memory and file descriptors. The one over the limit gets Close(LIMIT_EXCEEDED).
 */
final class LinkServerInitializer extends ChannelInitializer<SocketChannel> {
  private static final Logger log = LoggerFactory.getLogger(LinkServerInitializer.class);
  private final LinkSetup setup;
  private final ChannelGroup channels;
  private final LinkTls tls;
  private final Executor verify;
  // wrong private room secrets per address, across every connection this peer accepts
  private final SecretGuesses guesses = new SecretGuesses();
  // J-PAKE rounds of the connections this peer accepts, off the room thread and bounded
  private final PakeGate pake = new PakeGate();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  LinkServerInitializer(LinkSetup setup, ChannelGroup channels, LinkTls tls, Executor verify) {
    this.setup = setup;
    this.channels = channels;
    this.tls = tls;
    this.verify = verify;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    channels.add(ch); // closed together when the peer leaves
    InetAddress from = SourceKey.of(ch.remoteAddress().getAddress()); // one IPv6 /64 is one source
    int n = perAddress.merge(from, 1, Integer::sum);
    ch.closeFuture()
        .addListener(f -> perAddress.computeIfPresent(from, (k, v) -> v == 1 ? null : v - 1));
    int max = setup.config().maxLinksPerAddress();
    if (n <= max) {
      LinkPipeline.build(ch.pipeline(), setup, false, tls, guesses, verify, pake);
      return;
    }
    setup.counters().increment(Counter.LINKS_PER_ADDRESS_REFUSED);
    log.debug("{} refused a link from {}: {} open already", setup.tag(), from, max);
    // the refusal, like every frame, travels inside TLS, so the dialer can read why
    tls.addTo(ch.pipeline(), false, setup.config().handshakeTimeoutMs());
    Framing.addTo(ch.pipeline(), LinkCodec.prototype(), setup.config().maxFrameBytes());
    ch.pipeline().addLast("link-codec", new LinkCodec());
    ch.pipeline()
        .addLast(
            "refuse",
            new Refuse(
                new Close(
                    CloseReason.LIMIT_EXCEEDED,
                    "too many links from " + from.getHostAddress() + " (limit " + max + ")")));
  }

  /**
   * Refuses a link over the per-address limit: sends {@code why} once the channel is active, then
   * drops whatever arrives while it closes.
   */
  private static final class Refuse extends LinkErrors.DiscardInbound {
    private final Close why;

    Refuse(Close why) {
      this.why = why;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      LinkErrors.markClosing(ctx.channel());
      LinkErrors.sendCloseAndClose(ctx, why);
    }
  }
}
