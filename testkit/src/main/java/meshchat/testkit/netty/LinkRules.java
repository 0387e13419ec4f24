package meshchat.testkit.netty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The faults the proxies apply, per unordered pair of peer indexes: blocked (a partition) and a
 * one-way delay. Written by the test thread, read by the proxy threads; every read sees a whole
 * value, and a change applies to bytes forwarded after it.
 */
public final class LinkRules {
  private final Map<Long, Boolean> blocked = new ConcurrentHashMap<>();
  private final Map<Long, Long> delayMs = new ConcurrentHashMap<>();
  private volatile long defaultDelayMs;

  private static long key(int a, int b) {
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    return ((long) lo << 32) | hi;
  }

  /** Peers {@code a} and {@code b} cannot connect; a source we could not identify is never. */
  public boolean blocked(int a, int b) {
    return a >= 0 && b >= 0 && blocked.containsKey(key(a, b));
  }

  public void block(int a, int b) {
    blocked.put(key(a, b), Boolean.TRUE);
  }

  public void unblockAll() {
    blocked.clear();
  }

  /** One-way delay for bytes between {@code a} and {@code b}, either direction. */
  public long delayMs(int a, int b) {
    if (a < 0 || b < 0) {
      return defaultDelayMs;
    }
    return delayMs.getOrDefault(key(a, b), defaultDelayMs);
  }

  public void setDelay(int a, int b, long ms) {
    delayMs.put(key(a, b), ms);
  }

  public void setDefaultDelay(long ms) {
    defaultDelayMs = ms;
  }
}
