package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link WholeMillisLoops}: an idle loop sleeps until its next timer instead of spinning. */
class WholeMillisLoopsTest {
  private static final long MS = 1_000_000L;

  @Test
  void aDelayIsRoundedUpToAWholeMillisecond() {
    assertThat(WholeMillisLoops.roundUp(1)).isEqualTo(MS);
    assertThat(WholeMillisLoops.roundUp(MS - 1)).isEqualTo(MS);
    assertThat(WholeMillisLoops.roundUp(MS)).isEqualTo(MS);
    assertThat(WholeMillisLoops.roundUp(MS + 1)).isEqualTo(2 * MS);
    assertThat(WholeMillisLoops.roundUp(20 * MS + 400_000)).isEqualTo(21 * MS);
  }

  @Test
  void aTaskDueAndNoTaskAtAllAreLeftAlone() {
    assertThat(WholeMillisLoops.roundUp(0)).isZero();
    assertThat(WholeMillisLoops.roundUp(-1)).isEqualTo(-1);
    assertThat(WholeMillisLoops.roundUp(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    assertThat(WholeMillisLoops.roundUp(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(WholeMillisLoops.roundUp(Long.MAX_VALUE - 1)).isEqualTo(Long.MAX_VALUE - 1);
  }

  /**
   * Timers each a fraction of a millisecond ahead: Netty's own loop waits for each with {@code
   * selectNow} in a loop (tens of thousands of turns for 200 timers here); this one sleeps until
   * each (about one turn a timer). Counted, not timed: the loop's CPU moved with the box's load and
   * the JIT (21 ms against a bound of 20 at load 2).
   */
  @Test
  void anIdleLoopDoesNotSpinBeforeATimerLessThanAMillisecondAway() throws Exception {
    Counting io = new Counting(NioIoHandler.newFactory());
    EventLoopGroup group = new WholeMillisLoops(1, new DefaultThreadFactory("wml-test", true), io);
    try {
      long[] cpuAndWall = timersFractionOfAMillisAway(group.next(), 200, io);
      // the selector's turns, counted (its CPU is not a measure: a loaded box's, or the JIT's,
      // moves it): a wait or two per timer, whatever the load
      assertThat(cpuAndWall[2])
          .as("selector turns for 200 timers (loop CPU %d ns)", cpuAndWall[0])
          .isLessThan(200 * 4);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** The same with Netty's own loop: it spins (what the test above would see without the fix). */
  @Test
  void nettysOwnLoopSpinsThere() throws Exception {
    Counting io = new Counting(NioIoHandler.newFactory());
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("nio-test", true), io);
    try {
      long[] cpuAndWall = timersFractionOfAMillisAway(group.next(), 200, io);
      // counted, not timed: a loaded box preempts the spin, and its CPU then says little; each
      // turn it does get spins many times (selectNow until the timer is due)
      assertThat(cpuAndWall[2])
          .as("selector turns for 200 timers (loop CPU %d ns)", cpuAndWall[0])
          .isGreaterThan(200 * 4);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * Runs {@code n} timers one after another on {@code loop}, each scheduled 0.4 ms ahead by the one
   * before (the loop idle between), after a warm-up; returns the loop thread's CPU over them and
   * the time they waited in all (n × 0.4 ms), in nanoseconds.
   */
  private static long[] timersFractionOfAMillisAway(EventLoop loop, int n, Counting io)
      throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    long tid = loop.submit(() -> Thread.currentThread().getId()).get();
    chain(loop, 20).get(10, TimeUnit.SECONDS); // warm-up
    long before = threads.getThreadCpuTime(tid);
    long turnsBefore = io.runs.get();
    chain(loop, n).get(30, TimeUnit.SECONDS);
    long cpu = threads.getThreadCpuTime(tid) - before;
    return new long[] {cpu, n * 400_000L, io.runs.get() - turnsBefore};
  }

  /** Counts the loop's turns: its I/O handler's runs (a select or selectNow each). */
  private static final class Counting implements IoHandlerFactory {
    final AtomicLong runs = new AtomicLong();
    private final IoHandlerFactory inner;

    Counting(IoHandlerFactory inner) {
      this.inner = inner;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
      IoHandler h = inner.newHandler(executor);
      return new IoHandler() {
        @Override
        public void initialize() {
          h.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
          runs.incrementAndGet();
          return h.run(context);
        }

        @Override
        public void prepareToDestroy() {
          h.prepareToDestroy();
        }

        @Override
        public void destroy() {
          h.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
          return h.register(handle);
        }

        @Override
        public void wakeup() {
          h.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
          return h.isCompatible(handleType);
        }
      };
    }
  }

  private static CompletableFuture<Void> chain(EventLoop loop, int left) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> next(loop, left, done));
    return done;
  }

  private static void next(EventLoop loop, int left, CompletableFuture<Void> done) {
    if (left == 0) {
      done.complete(null);
      return;
    }
    loop.schedule(() -> next(loop, left - 1, done), 400, TimeUnit.MICROSECONDS);
  }
}
