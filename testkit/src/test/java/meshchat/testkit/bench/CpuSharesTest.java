package meshchat.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The throughput line's CPU by thread kind ({@code ChatBench.CpuShares}). */
class CpuSharesTest {
  @Test
  void threadsAreSortedByTheirNamesAsLinuxShowsThem() {
    // Linux's comm is the name cut to 15 characters
    assertThat(ChatBench.CpuShares.kind("peer-room-3-1")).isZero();
    assertThat(ChatBench.CpuShares.kind("peer-verify-4-2")).isEqualTo(1);
    assertThat(ChatBench.CpuShares.kind("C2 CompilerThre")).isEqualTo(2);
    assertThat(ChatBench.CpuShares.kind("C1 CompilerThre")).isEqualTo(2);
    assertThat(ChatBench.CpuShares.kind("GC Thread#1")).isEqualTo(3);
    assertThat(ChatBench.CpuShares.kind("G1 Conc#0")).isEqualTo(3);
    assertThat(ChatBench.CpuShares.kind("G1 Refine#0")).isEqualTo(3);
    assertThat(ChatBench.CpuShares.kind("sender-4c8f623b")).isEqualTo(-1);
    assertThat(ChatBench.CpuShares.kind("main")).isEqualTo(-1);
    assertThat(ChatBench.CpuShares.kind("peer-io-1-1")).isEqualTo(-1);
  }

  @Test
  void aRoomThreadsCpuIsCountedAsTheRooms() throws Exception {
    assumeTrue(new File("/proc/self/task").isDirectory(), "Linux only");
    var threads = ManagementFactory.getThreadMXBean();
    ChatBench.CpuShares shares = new ChatBench.CpuShares();
    AtomicBoolean stop = new AtomicBoolean();
    long[] cpu = {0};
    Thread room =
        new Thread(
            () -> {
              long x = 0;
              while (!stop.get()) {
                x += System.nanoTime() % 7;
              }
              cpu[0] = x;
            },
            "peer-room-9-9");
    room.start();
    // until the spinning thread itself has used 300 ms of CPU
    while (threads.getThreadCpuTime(room.getId()) < 300_000_000L) {
      Thread.onSpinWait();
    }
    String line = shares.since(); // read while the thread lives: an ended one drops out
    stop.set(true);
    room.join();
    Matcher m =
        Pattern.compile("\"room_cpu_s\":([0-9.]+),\"verify_cpu_s\":([0-9.]+)").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(line).isGreaterThanOrEqualTo(0.25);
    assertThat(Double.parseDouble(m.group(2))).as(line).isLessThan(0.25);
  }

  @Test
  void aRoomThreadsParksAreCountedAsItsSwitches() throws Exception {
    assumeTrue(new File("/proc/self/task").isDirectory(), "Linux only");
    ChatBench.CpuShares shares = new ChatBench.CpuShares();
    java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    Thread room =
        new Thread(
            () -> {
              for (int i = 0; i < 200; i++) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a switch each
              }
              parked.countDown();
              while (!stop.get()) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
              }
            },
            "peer-room-9-8");
    room.start();
    parked.await();
    String line = shares.since(); // read while the thread lives: an ended one drops out
    stop.set(true);
    room.join();
    Matcher m =
        Pattern.compile("\"room_csw\":([0-9]+),\"verify_csw\":([0-9]+),\"csw\":([0-9]+)")
            .matcher(line);
    assertThat(m.find()).as(line).isTrue();
    assertThat(Long.parseLong(m.group(1))).as(line).isGreaterThanOrEqualTo(200);
    assertThat(Long.parseLong(m.group(3)))
        .as(line)
        .isGreaterThanOrEqualTo(Long.parseLong(m.group(1)));
  }
}
