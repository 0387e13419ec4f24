package meshchat.peer.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads peers run on, shareable by many {@link PeerNode}s in one JVM (tests, the testkit's
 * real-socket cluster, benchmarks). Each node takes one loop of {@code rooms} as its room thread,
 * and its links run on that same loop, so a frame read from a socket is decoded and handed to the
 * room with no queue in between, and the room's writes reach the socket with none either. {@code
 * io} carries the listening sockets and the tracker sessions; {@code verify} checks chain
 * signatures off the room threads (a bounded amount per link: each link has at most one check
 * queued, and stops reading while one is behind), on half as many threads as there are room
 * threads; {@code store} runs the fsyncs of own messages and the checkpoints of the store's log (at
 * most one of each per node at a time), each on a thread of its own, made when needed: an own
 * message's fsync never queues behind another node's fsync or a checkpoint (a checkpoint copies and
 * fsyncs the database file for milliseconds). Nothing that blocks runs on a room thread: it would
 * stall the links of every node sharing it. Close after every node using it is closed.
 */
public final class PeerGroups implements AutoCloseable {
  private final EventLoopGroup io;
  private final EventLoopGroup rooms;
  private final ExecutorService verify;
  private final ExecutorService store;

  private PeerGroups(
      EventLoopGroup io, EventLoopGroup rooms, ExecutorService verify, ExecutorService store) {
    this.io = io;
    this.rooms = rooms;
    this.verify = verify;
    this.store = store;
  }

  /**
   * {@code roomThreads} room threads, {@link #verifyThreads} verify threads for them, and store
   * threads as the nodes' fsyncs and checkpoints need at once (idle ones end after a minute).
   */
  public static PeerGroups create(int ioThreads, int roomThreads) {
    return new PeerGroups(
        new WholeMillisLoops(
            ioThreads, new DefaultThreadFactory("peer-io", true), NioIoHandler.newFactory()),
        // room threads also run their nodes' sockets; neither kind spins before a timer
        new WholeMillisLoops(
            roomThreads, new DefaultThreadFactory("peer-room", true), NioIoHandler.newFactory()),
        Executors.newFixedThreadPool(
            verifyThreads(roomThreads), new DefaultThreadFactory("peer-verify", true)),
        // unbounded only in name: each node runs at most one fsync and one checkpoint at a time
        Executors.newCachedThreadPool(new DefaultThreadFactory("peer-store", true)));
  }

  /**
   * The verify threads for {@code roomThreads} room threads: half as many, rounded up (one for one
   * or two). Every neighbour checks each head (~70 µs of CPU), so a head reaches the pool as one
   * check per receiving link within a few tens of microseconds; with a verify thread per room
   * thread those checks woke every verify thread at once, and with as many cores as room threads
   * they took every core from the room threads still reading and showing the line the head came
   * with (the latency cell, 2 room threads on 2 cores: p99 603-1,595 µs with two verify threads,
   * 442-508 with one, 3 alternated pairs; docs/benchmarks.md, session 30). A link has at most one
   * check on the pool at a time ({@code ChainVerifier}), so fewer threads never reorder a link's
   * frames: its check waits behind other links' for a few checks' time, and a line on its author's
   * link is shown before its head's check anyway.
   */
  static int verifyThreads(int roomThreads) {
    return Math.max(1, roomThreads - roomThreads / 2);
  }

  /** One I/O thread, one room thread, one verify thread: what a single chat process needs. */
  public static PeerGroups single() {
    return create(1, 1);
  }

  public EventLoopGroup io() {
    return io;
  }

  public EventLoopGroup rooms() {
    return rooms;
  }

  /** Where chain signatures are checked. */
  public ExecutorService verify() {
    return verify;
  }

  /**
   * Where own messages' fsyncs and the log's checkpoints run, off the room threads, each on its own
   * thread (a node has at most one fsync running, {@code StoreSync}, and one checkpoint, {@code
   * NodeEffects}).
   */
  public ExecutorService store() {
    return store;
  }

  @Override
  public void close() {
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    rooms.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    verify.shutdown();
    store.shutdown();
    io.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    rooms.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    try {
      verify.awaitTermination(1, TimeUnit.SECONDS);
      store.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
