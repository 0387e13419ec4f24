package meshchat.peer.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads peers run on, shareable by many {@link PeerNode}s in one JVM (tests, the testkit's
 * real-socket cluster, benchmarks): {@code io} carries every socket; each node takes one loop of
 * {@code rooms} as its single room thread. Close after every node using it is closed.
 */
public final class PeerGroups implements AutoCloseable {
  private final EventLoopGroup io;
  private final EventLoopGroup rooms;

  private PeerGroups(EventLoopGroup io, EventLoopGroup rooms) {
    this.io = io;
    this.rooms = rooms;
  }

  public static PeerGroups create(int ioThreads, int roomThreads) {
    return new PeerGroups(
        new MultiThreadIoEventLoopGroup(
            ioThreads, new DefaultThreadFactory("peer-io", true), NioIoHandler.newFactory()),
        // room threads run tasks only; Netty 4.2's task-only loop is an IoEventLoop with the
        // local (in-VM) handler, which parks while idle
        new MultiThreadIoEventLoopGroup(
            roomThreads, new DefaultThreadFactory("peer-room", true), LocalIoHandler.newFactory()));
  }

  /** One I/O thread and one room thread: what a single chat process needs. */
  public static PeerGroups single() {
    return create(1, 1);
  }

  public EventLoopGroup io() {
    return io;
  }

  public EventLoopGroup rooms() {
    return rooms;
  }

  @Override
  public void close() {
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    rooms.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    io.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    rooms.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
