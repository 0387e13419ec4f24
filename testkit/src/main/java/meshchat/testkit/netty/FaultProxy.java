package meshchat.testkit.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import meshchat.peer.message.PeerId;

/**
 * The address every other peer knows peer {@code owner} by: a TCP proxy on {@code 127.0.0.1:P} that
 * forwards to the peer's real listener on {@code 127.0.1.k:P} (same port, another loopback
 * address). The peer advertises port P and the tracker records the loopback address it sees
 * (127.0.0.1), so every dial to the peer, from the tracker's answer or from peer exchange, passes
 * through here; the product is not told. Faults are applied per connection by {@link ProxyLink}.
 */
final class FaultProxy implements AutoCloseable {
  private final int owner;
  private final LinkRules rules;
  private final ToIntFunction<PeerId> indexOf;
  private final Channel server;
  private final Set<ProxyLink> links = ConcurrentHashMap.newKeySet();
  private volatile InetSocketAddress target;

  private FaultProxy(
      int owner, LinkRules rules, ToIntFunction<PeerId> indexOf, EventLoopGroup group) {
    this.owner = owner;
    this.rules = rules;
    this.indexOf = indexOf;
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ProxyLink link = new ProxyLink(FaultProxy.this, ch);
                    links.add(link);
                    ch.closeFuture().addListener(f -> links.remove(link));
                    ch.pipeline().addLast(link.frontHandler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  static FaultProxy bind(
      int owner, LinkRules rules, ToIntFunction<PeerId> indexOf, EventLoopGroup group) {
    return new FaultProxy(owner, rules, indexOf, group);
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Where the peer really listens; null while it is down (connections are then refused). */
  void target(InetSocketAddress address) {
    this.target = address;
  }

  InetSocketAddress target() {
    return target;
  }

  int owner() {
    return owner;
  }

  LinkRules rules() {
    return rules;
  }

  int indexOf(PeerId id) {
    return indexOf.applyAsInt(id);
  }

  /** Closes every connection through here whose dialer is {@code other} (or any, if -1). */
  void cut(int other) {
    for (ProxyLink l : links) {
      if (other < 0 || l.source() == other) {
        l.close();
      }
    }
  }

  /** Closes every connection through here that the rules now block. */
  void enforce() {
    for (ProxyLink l : links) {
      if (rules.blocked(l.source(), owner)) {
        l.close();
      }
    }
  }

  int openLinks() {
    return links.size();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    cut(-1);
  }
}
