package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.LinkMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an established link: hands messages to the owner ({@link
 * meshchat.peer.link.LinkEvents}) once per socket read, records the peer's Close, and reports the
 * link down once.
 */
final class LinkDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(LinkDispatcher.class);
  private final NettyLink link;
  private final LinkSetup setup;
  // what this read decoded so far; handed over on channelReadComplete (I/O thread only)
  private List<LinkMessage> pending = new ArrayList<>();

  LinkDispatcher(NettyLink link, LinkSetup setup) {
    this.link = link;
    this.setup = setup;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof LinkMessage.Close c) {
      handOver();
      link.closeReceived(c);
      log.info(
          "{} link to {} closed by peer: {} {}",
          setup.tag(),
          link.peer().shortHex(),
          c.reason(),
          c.message());
      LinkErrors.markClosing(ctx.channel());
      ctx.close();
    } else if (msg instanceof LinkMessage m) {
      pending.add(m);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    handOver();
    ctx.fireChannelReadComplete();
  }

  private void handOver() {
    if (!pending.isEmpty()) {
      setup.events().received(link, pending);
      pending = new ArrayList<>();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handOver();
    setup.events().down(link);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LinkErrors.closeFor(ctx, cause, setup);
  }
}
