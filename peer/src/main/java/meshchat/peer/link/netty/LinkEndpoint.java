package meshchat.peer.link.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import meshchat.tracker.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's sockets: a listening socket for links others dial, and outgoing dials, all inside TLS
 * ({@link LinkTls}). The listening socket runs on the shared I/O group, the links on {@code links}
 * (the peer's room thread, so that what a link reads reaches the room with no queue between); the
 * pipelines report to {@link LinkSetup#events()}.
 */
public final class LinkEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkEndpoint.class);
  private final EventLoopGroup io;
  private final EventLoopGroup links;
  private final Executor verify; // null: signatures checked on the link's thread
  // J-PAKE rounds of the links this peer dials, on the pairing pool, bounded apart from accepts'
  private final PakeGate dialPake = new PakeGate();
  private final LinkSetup setup;
  private final LinkTls tls;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final WriteBufferWaterMark waterMark;
  private Channel server;
  private volatile InetAddress listenAddress; // a specific address we listen on, or null
  private volatile HostResolver resolver = HostResolver.system();

  /** Links on the I/O group too, signatures checked on their threads. */
  public LinkEndpoint(EventLoopGroup io, LinkSetup setup) {
    this(io, io, null, setup, LinkTls.forIdentity(setup.identity()));
  }

  /**
   * @param links where the links run (a peer's room thread)
   * @param verify where their signatures are checked (off {@code links})
   * @param tls the links' TLS, possibly still being made ({@link LinkTls#inBackground})
   */
  public LinkEndpoint(
      EventLoopGroup io, EventLoopGroup links, Executor verify, LinkSetup setup, LinkTls tls) {
    this.io = io;
    this.links = links;
    this.verify = verify;
    this.setup = setup;
    this.tls = tls;
    this.waterMark =
        new WriteBufferWaterMark(setup.config().writeLowWater(), setup.config().writeHighWater());
  }

  public LinkEndpoint(EventLoopGroup io, LinkSetup setup, LinkTls tls) {
    this(io, io, null, setup, tls);
  }

  /** Looks names up with {@code r} (a test's slow DNS); the process's own resolver otherwise. */
  void resolveWith(HostResolver r) {
    this.resolver = r;
  }

  /**
   * Binds and returns the port listened on ({@code port} 0: any free port). Connections are
   * accepted once the TLS is {@link LinkTls#ready}: until then they wait in the kernel's backlog,
   * so a start need not wait for the TLS, and no thread waits for it either.
   */
  public int listen(String host, int port) throws IOException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(io, links)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.AUTO_READ, false) // no accept before the TLS is ready
            // accepts over the handshake rate closed on this thread, never handed to the room's
            .handler(new AcceptBudget(setup))
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .childHandler(new LinkServerInitializer(setup, channels, tls, verify));
    ChannelFuture f = b.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new IOException(
          "cannot listen on " + host + ":" + port + ": " + ErrorText.reason(f.cause()), f.cause());
    }
    Channel listening = f.channel();
    server = listening;
    channels.add(listening);
    tls.ready()
        .whenComplete(
            (ok, e) -> {
              if (e == null) {
                listening.config().setAutoRead(true);
              } else {
                log.error("{} cannot accept links: {}", setup.tag(), ErrorText.reason(e), e);
                listening.close();
              }
            });
    InetAddress bound = ((InetSocketAddress) server.localAddress()).getAddress();
    listenAddress = bound.isAnyLocalAddress() ? null : bound;
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Dials {@code address}. The returned future completes when this attempt is over: the lookup or
   * the connect failed, or the connection (handshaken or not) has closed. The caller redials from
   * there. An unresolved address (a host name, {@link HostResolver#address}) is looked up off every
   * event loop first.
   */
  public CompletableFuture<Void> dial(InetSocketAddress address) {
    CompletableFuture<Void> over = new CompletableFuture<>();
    // dialed once the TLS is ready (at once, but in the first moments of a start)
    tls.ready()
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                over.complete(null);
                return;
              }
              resolver
                  .resolve(address)
                  .whenComplete(
                      (resolved, failed) -> {
                        if (failed != null) {
                          log.debug("cannot look up {}: {}", address, failed.toString());
                          over.complete(null);
                        } else {
                          connect(resolved, over);
                        }
                      });
            });
    return over;
  }

  private void connect(InetSocketAddress address, CompletableFuture<Void> over) {
    Bootstrap b =
        new Bootstrap()
            .group(links)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, setup.config().connectTimeoutMs())
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .handler(new LinkDialerInitializer(setup, tls, verify, dialPake));
    // a peer that listens on one address dials from it too (where it can reach the target), so
    // others see a link come from the address the peer is known by
    InetAddress from = listenAddress;
    if (from != null
        && address.getAddress() != null
        && from.isLoopbackAddress() == address.getAddress().isLoopbackAddress()
        && from.getClass() == address.getAddress().getClass()) {
      b.localAddress(new InetSocketAddress(from, 0));
    }
    b.connect(address)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                over.complete(null);
                return;
              }
              channels.add(f.channel());
              f.channel().closeFuture().addListener(c -> over.complete(null));
            });
  }

  @Override
  public void close() {
    try {
      // a peer that leaves within its first moments lets the TLS it is making finish, so that
      // the launcher's training run (docs/operations.md, "Fast start") archives its classes
      tls.ready().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // logged when listening; nothing to wait for
    }
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
