package meshchat.peer.membership;

import java.util.random.RandomGenerator;

/**
 * The one retry delay: exponential from {@code minMs}, doubling per failure up to {@code maxMs},
 * drawn uniformly from [d/2, d] ("equal jitter"), so peers that failed together do not retry in
 * step and a retry never comes sooner than half the nominal delay. Redials and tracker retries both
 * use it.
 */
public final class Backoff {
  private Backoff() {}

  /**
   * The delay before retry number {@code failures + 1}.
   *
   * @param failures retries that already failed (0 for the first retry); negative counts as 0
   */
  public static long delayMs(long minMs, long maxMs, int failures, RandomGenerator random) {
    int doublings = Math.max(0, Math.min(failures, 62));
    long d =
        minMs <= 0
            ? 0
            : (minMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, minMs << doublings));
    return d / 2 + (long) (random.nextDouble() * (d - d / 2));
  }
}
