package meshchat.peer.link.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;

/** Counts the bytes of every link, as the socket sees them (framing included), for /metrics. */
@Sharable
final class ByteCounter extends ChannelDuplexHandler {
  private final Counters counters;

  ByteCounter(Counters counters) {
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      counters.add(Traffic.BYTES_IN, b.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      counters.add(Traffic.BYTES_OUT, b.readableBytes());
    }
    ctx.write(msg, promise);
  }
}
