package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashSet;
import java.util.Set;

/** The CPU time of this JVM's room threads ({@code peer-room-*}), for tests that bound it. */
final class RoomThreadCpu {
  private RoomThreadCpu() {}

  /** The ids of the room threads now; at least one. */
  static Set<Long> threads(ThreadMXBean mx) {
    Set<Long> ids = new HashSet<>();
    for (ThreadInfo i : mx.dumpAllThreads(false, false)) {
      if (i.getThreadName().startsWith("peer-room")) {
        ids.add(i.getThreadId());
      }
    }
    assertThat(ids).as("a room thread").isNotEmpty();
    return ids;
  }

  /** The CPU time (ns) the threads {@code ids} have used, summed. */
  static long cpu(ThreadMXBean mx, Set<Long> ids) {
    long sum = 0;
    for (long id : ids) {
      long c = mx.getThreadCpuTime(id);
      if (c > 0) {
        sum += c;
      }
    }
    return sum;
  }
}
