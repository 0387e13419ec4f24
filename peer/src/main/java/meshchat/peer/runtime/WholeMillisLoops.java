package meshchat.peer.runtime;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Event loops whose idle wait for their next timer is a whole number of milliseconds, rounded up,
 * so that they never spin on the selector before it.
 *
 * <p>Netty's NIO loop waits for its next scheduled task with {@code Selector.select(ms)}, the
 * timeout rounded to the nearest millisecond; a wait that ends with less than half a millisecond to
 * go becomes {@code selectNow} calls, one after another, until the task is due. In the latency cell
 * (a head per author every 20 ms, each on a timer) that was 85,836 of a room thread's 96,028 {@code
 * epoll_wait} calls in 3 s, in runs of a median 210 calls and 395 µs: ~56 ms of CPU a second spent
 * waiting, on a 2-core box where the other room thread and the verify pool wanted it
 * (docs/benchmarks.md, session 25). Rounded up, a timer runs at most a millisecond (and the
 * kernel's timer slack) late, which none of the room's timers (holds of 5 ms and more, idle checks
 * of seconds) notices, and the loop sleeps until then.
 */
final class WholeMillisLoops extends MultiThreadIoEventLoopGroup {
  private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

  WholeMillisLoops(int threads, ThreadFactory factory, IoHandlerFactory io) {
    super(threads, factory, io);
  }

  @Override
  protected IoEventLoop newChild(Executor executor, IoHandlerFactory io, Object... args) {
    return new Loop(this, executor, io);
  }

  /**
   * {@code delayNanos} rounded up to a whole millisecond: 0 and less (a task due) and "none"
   * ({@link Long#MAX_VALUE}) unchanged.
   */
  static long roundUp(long delayNanos) {
    if (delayNanos <= 0 || delayNanos > Long.MAX_VALUE - MILLI) {
      return delayNanos;
    }
    long rest = delayNanos % MILLI;
    return rest == 0 ? delayNanos : delayNanos + (MILLI - rest);
  }

  private static final class Loop extends SingleThreadIoEventLoop {
    Loop(WholeMillisLoops parent, Executor executor, IoHandlerFactory io) {
      super(parent, executor, io);
    }

    @Override
    protected long delayNanos(long currentTimeNanos) {
      return roundUp(super.delayNanos(currentTimeNanos));
    }
  }
}
