package meshchat.peer.link.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of a link a peer dialed: marked so, for the one-link-per-pair tie-break. */
final class LinkDialerInitializer extends ChannelInitializer<SocketChannel> {
  private final LinkSetup setup;
  private final LinkTls tls;

  LinkDialerInitializer(LinkSetup setup, LinkTls tls) {
    this.setup = setup;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    LinkPipeline.build(ch.pipeline(), setup, true, tls, null);
  }
}
