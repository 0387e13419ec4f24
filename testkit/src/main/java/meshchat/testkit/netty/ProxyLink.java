package meshchat.testkit.netty;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.LinkFrame;

/**
 * One proxied connection: the dialer's socket (front) and ours to the owner's real listener (back).
 * All on the front channel's event loop, so no locks.
 *
 * <p>The dialer is identified by its source address: each peer listens on, and so dials from, a
 * loopback address of its own ({@link NetPeer#indexOf}); links are TLS, so nothing inside them can
 * be read. (A plaintext dialer from elsewhere is identified by its first frame, a Hello.) Nothing
 * is connected or forwarded before that, so a blocked pair never sees a Hello from the other side
 * and never reports a link up. Bytes are then forwarded whole, each direction in order, after the
 * pair's delay; a cut closes both sockets at once, as a network failure a peer notices by EOF.
 */
final class ProxyLink {
  /** A dialer that has not sent a whole Hello in this many bytes is let through unidentified. */
  private static final int MAX_HELLO_BYTES = 64 * 1024;

  private final FaultProxy proxy;
  private final Channel front;
  private final ByteBuf pending = Unpooled.buffer();
  private volatile int source = -2; // -2: not yet known; -1: not a peer we know
  private Channel back;
  private long frontToBackNotBefore;
  private long backToFrontNotBefore;

  ProxyLink(FaultProxy proxy, Channel front) {
    this.proxy = proxy;
    this.front = front;
  }

  int source() {
    return source;
  }

  /** Closes both sockets; from outside the event loop, returns once they are closed. */
  void close() {
    Channel b = back;
    var closing = front.close();
    var closingBack = b == null ? null : b.close();
    if (!front.eventLoop().inEventLoop()) {
      closing.awaitUninterruptibly();
      if (closingBack != null) {
        closingBack.awaitUninterruptibly();
      }
    }
  }

  ChannelInboundHandlerAdapter frontHandler() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (back != null && back.isActive()) {
          forward(in, back, true);
          return;
        }
        pending.writeBytes(in);
        in.release();
        if (source == -2) {
          identify();
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        pending.release();
        if (back != null) {
          closeAfterPending(back, true);
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close();
      }
    };
  }

  private void identify() {
    // links are TLS, so the Hello is not readable: a peer dials from its own loopback address
    int who = NetPeer.indexOf(front.remoteAddress());
    if (who < 0) {
      who = helloSender(pending); // a plaintext harness: its Hello names it
    }
    if (who == -2 && pending.readableBytes() < MAX_HELLO_BYTES) {
      return; // wait for more bytes
    }
    source = who == -2 ? -1 : who;
    if (proxy.rules().blocked(source, proxy.owner())) {
      front.close();
      return;
    }
    InetSocketAddress target = proxy.target();
    if (target == null) {
      front.close(); // the owner is down: as a refused connection
      return;
    }
    front.config().setAutoRead(false);
    new Bootstrap()
        .group(front.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(backHandler())
        .connect(target)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() || !front.isActive()) {
                    f.channel().close();
                    front.close();
                    return;
                  }
                  back = f.channel();
                  if (pending.isReadable()) {
                    forward(pending.readRetainedSlice(pending.readableBytes()), back, true);
                  }
                  front.config().setAutoRead(true);
                });
  }

  private ChannelInboundHandlerAdapter backHandler() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        forward((ByteBuf) msg, front, false);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        closeAfterPending(front, false);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close();
      }
    };
  }

  /** Writes {@code buf} to {@code to} after the pair's delay, never before earlier bytes. */
  private void forward(ByteBuf buf, Channel to, boolean frontToBack) {
    long delayMs = proxy.rules().delayMs(source, proxy.owner());
    long now = System.nanoTime();
    long prev = frontToBack ? frontToBackNotBefore : backToFrontNotBefore;
    long at = Math.max(now + TimeUnit.MILLISECONDS.toNanos(delayMs), prev);
    if (frontToBack) {
      frontToBackNotBefore = at;
    } else {
      backToFrontNotBefore = at;
    }
    if (at <= now) {
      to.writeAndFlush(buf);
    } else {
      front.eventLoop().schedule(() -> to.writeAndFlush(buf), at - now, TimeUnit.NANOSECONDS);
    }
  }

  /** A clean close travels like data: after the bytes already on their way. */
  private void closeAfterPending(Channel to, boolean frontToBack) {
    long now = System.nanoTime();
    long at = frontToBack ? frontToBackNotBefore : backToFrontNotBefore;
    if (at <= now) {
      to.close();
    } else {
      front.eventLoop().schedule(() -> to.close(), at - now, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The index of the peer whose Hello starts {@code buf}; -2 if the frame is not complete yet; -1
   * if it is not a Hello from a peer of the cluster. Does not move the reader index.
   */
  private int helloSender(ByteBuf buf) {
    int i = buf.readerIndex();
    int length = 0;
    int shift = 0;
    while (true) {
      if (i >= buf.writerIndex()) {
        return -2;
      }
      byte b = buf.getByte(i++);
      length |= (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
      shift += 7;
      if (shift > 28) {
        return -1;
      }
    }
    if (buf.writerIndex() - i < length) {
      return -2;
    }
    byte[] frame = new byte[length];
    buf.getBytes(i, frame);
    try {
      LinkFrame f = LinkFrame.parseFrom(frame);
      if (!f.hasHello() || f.getHello().getPeerId().isEmpty()) {
        return -1;
      }
      return proxy.indexOf(PeerId.of(f.getHello().getPeerId().toByteArray()));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return -1;
    }
  }
}
