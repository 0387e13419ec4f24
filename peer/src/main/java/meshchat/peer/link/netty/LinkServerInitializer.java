package meshchat.peer.link.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of a link a peer accepted. */
final class LinkServerInitializer extends ChannelInitializer<SocketChannel> {
  private final LinkSetup setup;
  private final ChannelGroup channels;

  LinkServerInitializer(LinkSetup setup, ChannelGroup channels) {
    this.setup = setup;
    this.channels = channels;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    channels.add(ch); // closed together when the peer leaves
    LinkPipeline.build(ch.pipeline(), setup, false);
  }
}
