package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
   * selectNow} in a loop (CPU about the time waited); this one sleeps, and its thread's CPU stays
   * far below the time its timers waited.
   */
  @Test
  void anIdleLoopDoesNotSpinBeforeATimerLessThanAMillisecondAway() throws Exception {
    EventLoopGroup group =
        new WholeMillisLoops(
            1, new DefaultThreadFactory("wml-test", true), NioIoHandler.newFactory());
    try {
      long[] cpuAndWall = timersFractionOfAMillisAway(group.next(), 200);
      assertThat(cpuAndWall[0])
          .as("loop CPU ns against %d ns waited", cpuAndWall[1])
          .isLessThan(cpuAndWall[1] / 4);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** The same with Netty's own loop: it spins (what the test above would see without the fix). */
  @Test
  void nettysOwnLoopSpinsThere() throws Exception {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("nio-test", true), NioIoHandler.newFactory());
    try {
      long[] cpuAndWall = timersFractionOfAMillisAway(group.next(), 200);
      assertThat(cpuAndWall[0])
          .as("loop CPU ns against %d ns waited", cpuAndWall[1])
          .isGreaterThan(cpuAndWall[1] / 10); // a tenth: a loaded box preempts the spin
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * Runs {@code n} timers one after another on {@code loop}, each scheduled 0.4 ms ahead by the one
   * before (the loop idle between), after a warm-up; returns the loop thread's CPU over them and
   * the time they waited in all (n × 0.4 ms), in nanoseconds.
   */
  private static long[] timersFractionOfAMillisAway(EventLoop loop, int n) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    long tid = loop.submit(() -> Thread.currentThread().getId()).get();
    chain(loop, 20).get(10, TimeUnit.SECONDS); // warm-up
    long before = threads.getThreadCpuTime(tid);
    chain(loop, n).get(30, TimeUnit.SECONDS);
    long cpu = threads.getThreadCpuTime(tid) - before;
    return new long[] {cpu, n * 400_000L};
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
