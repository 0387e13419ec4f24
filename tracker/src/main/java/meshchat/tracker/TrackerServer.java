package meshchat.tracker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import meshchat.proto.v1.Error.Code;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.pipeline.Frames;
import meshchat.tracker.pipeline.TrackerCounters;
import meshchat.tracker.pipeline.TrackerHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tracker. Socket I/O runs on {@code ioThreads} event loops; all directory state lives on
 * one further thread, which also runs expiry on a schedule.
 */
public final class TrackerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final EventExecutorGroup directoryThread;
  private final TrackerHub hub;
  private final Channel serverChannel;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** How long the threads stay up with nothing to do before they stop. */
  private static final long QUIET_MS = 200;

  private TrackerServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      EventExecutorGroup directoryThread,
      TrackerHub hub,
      Channel serverChannel) {
    this.boss = boss;
    this.workers = workers;
    this.directoryThread = directoryThread;
    this.hub = hub;
    this.serverChannel = serverChannel;
  }

  /** Binds and returns once listening. */
  public static TrackerServer start(TrackerConfig config) throws IOException {
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(config.ioThreads(), NioIoHandler.newFactory());
    EventExecutorGroup directoryThread =
        new DefaultEventExecutorGroup(1, new DefaultThreadFactory("tracker-directory"));
    TrackerHub hub =
        new TrackerHub(
            new Directory(Clock.systemUTC(), config.limits(), new SplittableRandom(config.seed())),
            config.heartbeatInterval().toMillis(),
            config.ttl().toMillis(),
            config.maxSessions(),
            config.maxSessionsPerAddress(),
            config.requireKeyProof(),
            Clock.systemUTC());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .childHandler(new TrackerServerInitializer(config, hub, directoryThread));
    ChannelFuture bind =
        b.bind(new InetSocketAddress(config.bindHost(), config.port())).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      shutdown(boss, workers, directoryThread);
      Throwable cause = bind.cause();
      throw new IOException(
          "cannot listen on "
              + config.bindHost()
              + ":"
              + config.port()
              + ": "
              + ErrorText.reason(cause),
          cause);
    }
    // Expire a little more often than the TTL so a registration outlives it by at most ~1/10.
    long tick = Math.max(10, config.ttl().toMillis() / 10);
    directoryThread.next().scheduleAtFixedRate(hub::expire, tick, tick, TimeUnit.MILLISECONDS);
    return new TrackerServer(boss, workers, directoryThread, hub, bind.channel());
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Runs {@code query} on the directory thread and returns its result: the only safe way to read
   * the directory from outside (tests, diagnostics).
   */
  public <T> CompletableFuture<T> inspect(Function<Directory, T> query) {
    CompletableFuture<T> result = new CompletableFuture<>();
    directoryThread
        .next()
        .execute(
            () -> {
              try {
                result.complete(query.apply(hub.directory()));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  /**
   * Stops accepting, tells every session SHUTTING_DOWN, closes them and stops the threads.
   * Idempotent; returns when done.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().awaitUninterruptibly();
    CompletableFuture<List<Channel>> told = new CompletableFuture<>();
    directoryThread
        .next()
        .execute(
            () -> {
              List<Channel> open = hub.channels();
              for (Channel ch : open) {
                ch.writeAndFlush(
                        Frames.error(0, Code.SHUTTING_DOWN, "the tracker is shutting down", true))
                    .addListener(ChannelFutureListener.CLOSE);
              }
              told.complete(open);
            });
    try {
      List<CompletableFuture<Void>> closed = new ArrayList<>();
      for (Channel ch : told.get(2, TimeUnit.SECONDS)) {
        CompletableFuture<Void> c = new CompletableFuture<>();
        ch.closeFuture().addListener(f -> c.complete(null));
        closed.add(c);
      }
      CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("shutdown: could not tell every session: {}", e.toString());
    }
    shutdown(boss, workers, directoryThread);
    log.info("tracker stopped; errors answered: {}", hub.counters());
  }

  /** Rooms, registrations and open sessions now, read on the directory thread. */
  public CompletableFuture<Load> load() {
    CompletableFuture<Load> result = new CompletableFuture<>();
    directoryThread
        .next()
        .execute(
            () ->
                result.complete(
                    new Load(
                        hub.directory().roomCount(),
                        hub.directory().registrationCount(),
                        hub.channels().size())));
    return result;
  }

  /** What the tracker holds at one moment (for /metrics). */
  public record Load(int rooms, int members, int sessions) {}

  /** Errors answered so far, limits refused included. */
  public TrackerCounters counters() {
    return hub.counters();
  }

  private static void shutdown(EventExecutorGroup... groups) {
    for (EventExecutorGroup g : groups) {
      // A closing channel's pipeline is torn down in hops between its I/O thread and the
      // directory thread, which runs the session handlers: with no quiet period the first group
      // to stop rejects the next hop, and every open session ended in a RejectedExecutionException
      g.shutdownGracefully(QUIET_MS, 2_000, TimeUnit.MILLISECONDS);
    }
    for (EventExecutorGroup g : groups) {
      g.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }
}
