package meshchat.peer.link.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.Executor;

/** The pipeline of a link a peer dialed: marked so, for the one-link-per-pair tie-break. */
final class LinkDialerInitializer extends ChannelInitializer<SocketChannel> {
  private final LinkSetup setup;
  private final LinkTls tls;
  private final Executor verify;
  private final PakeGate pake;

  LinkDialerInitializer(LinkSetup setup, LinkTls tls, Executor verify, PakeGate pake) {
    this.setup = setup;
    this.tls = tls;
    this.verify = verify;
    this.pake = pake;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    LinkPipeline.build(ch.pipeline(), setup, true, tls, null, verify, pake);
  }
}
