package meshchat.peer.link.netty;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import meshchat.wire.LoopTicker;
import meshchat.wire.SourceKey;

/**
 * How many guesses of a private room's secret each address may still make: a token bucket per
 * source ({@link SourceKey}: an IPv4 address or an IPv6 /64), {@link #BURST} guesses at once, then
 * one per {@link #REFILL_NANOS}. A guess is spent when this peer sends its J-PAKE key confirmation
 * (the one thing that tells a right guess from a wrong one) and given back when the other side
 * proves the secret, so members never run out. Shared by every incoming connection of a peer, hence
 * synchronized; at most {@link #MAX_ADDRESSES} addresses are remembered (the oldest are forgotten
 * first, with their spent guesses: a bound on memory, paid for with a fresh bucket for an address
 * that returns after 4,096 others). Time comes with each call: the caller's event-loop ticker
 * ({@link LoopTicker}).
 */
final class SecretGuesses {
  static final int BURST = 5;
  static final long REFILL_NANOS = 30_000_000_000L;
  static final int MAX_ADDRESSES = 4_096;

  private final Map<InetAddress, double[]> buckets =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, double[]> e) {
          return size() > MAX_ADDRESSES;
        }
      };

  /** True if {@code from} may make another guess at {@code now} (nothing is spent). */
  synchronized boolean mayGuess(InetAddress from, long now) {
    return tokens(from, now)[0] >= 1;
  }

  /** Spends a guess of {@code from}. */
  synchronized void spend(InetAddress from, long now) {
    double[] b = tokens(from, now);
    b[0] = Math.max(0, b[0] - 1);
  }

  /** Gives back the guess {@code from} spent: it proved the secret. */
  synchronized void refund(InetAddress from, long now) {
    double[] b = tokens(from, now);
    b[0] = Math.min(BURST, b[0] + 1);
  }

  // [0] tokens, [1] the ticker's nanos they were counted at
  private double[] tokens(InetAddress from, long now) {
    double[] b = buckets.computeIfAbsent(SourceKey.of(from), k -> new double[] {BURST, now});
    b[0] = Math.min(BURST, b[0] + (now - (long) b[1]) / (double) REFILL_NANOS);
    b[1] = now;
    return b;
  }
}
