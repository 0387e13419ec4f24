package meshchat.peer.link.netty;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many guesses of a private room's secret each address may still make: a token bucket per
 * address, {@link #BURST} guesses at once, then one per {@link #REFILL_NANOS}. A guess is spent
 * when this peer sends its J-PAKE key confirmation (the one thing that tells a right guess from a
 * wrong one) and given back when the other side proves the secret, so members never run out. Shared
 * by every incoming connection of a peer, hence synchronized; at most {@link #MAX_ADDRESSES}
 * addresses are remembered (the oldest are forgotten first, with their spent guesses: a bound on
 * memory, paid for with a fresh bucket for an address that returns after 4,096 others).
 */
final class SecretGuesses {
  static final int BURST = 5;
  static final long REFILL_NANOS = 30_000_000_000L;
  static final int MAX_ADDRESSES = 4_096;

  private final LongSupplier nanoTime;
  private final Map<InetAddress, double[]> buckets =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, double[]> e) {
          return size() > MAX_ADDRESSES;
        }
      };

  SecretGuesses(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** True if {@code from} may make another guess now (nothing is spent). */
  synchronized boolean mayGuess(InetAddress from) {
    return tokens(from)[0] >= 1;
  }

  /** Spends a guess of {@code from}. */
  synchronized void spend(InetAddress from) {
    double[] b = tokens(from);
    b[0] = Math.max(0, b[0] - 1);
  }

  /** Gives back the guess {@code from} spent: it proved the secret. */
  synchronized void refund(InetAddress from) {
    double[] b = tokens(from);
    b[0] = Math.min(BURST, b[0] + 1);
  }

  // [0] tokens, [1] the nanoTime they were counted at
  private double[] tokens(InetAddress from) {
    long now = nanoTime.getAsLong();
    double[] b = buckets.computeIfAbsent(from, k -> new double[] {BURST, now});
    b[0] = Math.min(BURST, b[0] + (now - (long) b[1]) / (double) REFILL_NANOS);
    b[1] = now;
    return b;
  }
}
