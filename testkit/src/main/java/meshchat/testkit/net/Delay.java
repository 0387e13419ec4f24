package meshchat.testkit.net;

import java.util.random.RandomGenerator;

/**
 * A one-way link delay distribution: {@code baseMs} plus a uniform jitter in {@code [0, jitterMs]}.
 * Uniform rather than heavy-tailed because the interesting tails here come from faults (reordering,
 * resets, partitions), which are modelled explicitly.
 */
public record Delay(long baseMs, long jitterMs) {
  public Delay {
    if (baseMs < 0 || jitterMs < 0) {
      throw new IllegalArgumentException("delay must be >= 0");
    }
  }

  public static Delay fixed(long ms) {
    return new Delay(ms, 0);
  }

  public long sample(RandomGenerator random) {
    return jitterMs == 0 ? baseMs : baseMs + random.nextLong(jitterMs + 1);
  }
}
