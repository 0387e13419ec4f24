package meshchat.peer.link.netty;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import meshchat.wire.LoopTicker;
import meshchat.wire.NetGroup;
import meshchat.wire.SourceKey;

/**
 * How many guesses of a private room's secret each address may still make: a token bucket per
 * source ({@link SourceKey}: an IPv4 address or an IPv6 /64), {@link #BURST} guesses at once, then
 * one per {@link #REFILL_NANOS}; and one per network ({@link NetGroup#site}: an IPv6 /48, an IPv4
 * address), which its sources share: {@link #NETWORK_SOURCES} sources' worth. A guess needs a token
 * in both: a /48 is 65,536 /64s, which until session 37 had a bucket each, 327,680 guesses at once
 * and 2,184 a second from one /48. A guess is spent when this peer sends its J-PAKE key
 * confirmation (the one thing that tells a right guess from a wrong one) and given back when the
 * other side proves the secret, so members never run out. Shared by every incoming connection of a
 * peer, hence synchronized; at most {@link #MAX_ADDRESSES} addresses are remembered (the oldest are
 * forgotten first, with their spent guesses: a bound on memory, paid for with a fresh bucket for an
 * address that returns after 4,096 others). Time comes with each call: the caller's event-loop
 * ticker ({@link LoopTicker}).
 */
final class SecretGuesses {
  static final int BURST = 5;
  static final long REFILL_NANOS = 30_000_000_000L;
  static final int MAX_ADDRESSES = 4_096;

  /** How many sources' guesses a network's sources share (as new authors do, NewAuthors). */
  static final int NETWORK_SOURCES = 4;

  private final Map<Object, double[]> buckets = lru();
  private final Map<Object, double[]> networks = lru();

  private static Map<Object, double[]> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Object, double[]> e) {
        return size() > MAX_ADDRESSES;
      }
    };
  }

  /** True if {@code from} may make another guess at {@code now} (nothing is spent). */
  synchronized boolean mayGuess(InetAddress from, long now) {
    return source(from, now)[0] >= 1 && network(from, now)[0] >= 1;
  }

  /** Spends a guess of {@code from}, of its source and its network. */
  /**
   * Spends a guess if one is left, in one step: a check at accept and a spend at round 2 let every
   * connection opened while a token was left guess once (rev38 FINDING-1: nine connections, nine
   * guesses answered).
   */
  synchronized boolean trySpend(InetAddress from, long now) {
    if (!mayGuess(from, now)) {
      return false;
    }
    spend(from, now);
    return true;
  }

  synchronized void spend(InetAddress from, long now) {
    double[] b = source(from, now);
    b[0] = Math.max(0, b[0] - 1);
    double[] n = network(from, now);
    n[0] = Math.max(0, n[0] - 1);
  }

  /** Gives back the guess {@code from} spent: it proved the secret. */
  synchronized void refund(InetAddress from, long now) {
    double[] b = source(from, now);
    b[0] = Math.min(BURST, b[0] + 1);
    double[] n = network(from, now);
    n[0] = Math.min(NETWORK_SOURCES * BURST, n[0] + 1);
  }

  private double[] source(InetAddress from, long now) {
    return tokens(buckets, SourceKey.of(from), BURST, 1, now);
  }

  private double[] network(InetAddress from, long now) {
    return tokens(
        networks,
        NetGroup.site(from.getHostAddress()),
        NETWORK_SOURCES * BURST,
        NETWORK_SOURCES,
        now);
  }

  // [0] tokens, [1] the ticker's nanos they were counted at
  private static double[] tokens(
      Map<Object, double[]> in, Object key, int burst, int perRefill, long now) {
    double[] b = in.computeIfAbsent(key, k -> new double[] {burst, now});
    b[0] = Math.min(burst, b[0] + perRefill * ((now - (long) b[1]) / (double) REFILL_NANOS));
    b[1] = now;
    return b;
  }
}
