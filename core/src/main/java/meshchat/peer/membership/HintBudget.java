package meshchat.peer.membership;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many hints may still be dialed: a token bucket per namer ({@code burst} dials at once, then
 * one per {@code refillMs}) inside one bucket for all namers together. A hostile neighbour can name
 * any address in a PeerList, a ForwardJoin or a Shuffle; this bounds how often it makes this peer
 * dial one of them, whatever and however much it names, and the shared bucket bounds what several
 * keys (a Sybil) get together. An honest neighbour's few dozen names are still dialed within
 * seconds. At most {@code maxNamers} namers have a bucket; beyond, a new namer gets nothing until
 * one is forgotten, so the map is bounded whoever calls.
 */
final class HintBudget {
  static final int BURST = 8;
  static final long REFILL_MS = 1_000;
  static final int SHARED_BURST = 16;
  static final long SHARED_REFILL_MS = 250;
  static final int MAX_NAMERS = 256;

  private final int burst;
  private final long refillMs;
  private final int sharedBurst;
  private final long sharedRefillMs;
  private final int maxNamers;
  private final LongSupplier nowMillis;
  private final Map<Object, TokenBucket> buckets = new HashMap<>();
  private final TokenBucket shared;

  HintBudget(LongSupplier nowMillis) {
    this(BURST, REFILL_MS, SHARED_BURST, SHARED_REFILL_MS, MAX_NAMERS, nowMillis);
  }

  HintBudget(
      int burst,
      long refillMs,
      int sharedBurst,
      long sharedRefillMs,
      int maxNamers,
      LongSupplier nowMillis) {
    if (burst < 1 || refillMs < 1 || sharedBurst < 1 || sharedRefillMs < 1 || maxNamers < 1) {
      throw new IllegalArgumentException("hint budget: bursts, refills and namers must be >= 1");
    }
    this.burst = burst;
    this.refillMs = refillMs;
    this.sharedBurst = sharedBurst;
    this.sharedRefillMs = sharedRefillMs;
    this.maxNamers = maxNamers;
    this.nowMillis = nowMillis;
    this.shared = new TokenBucket(sharedBurst, nowMillis.getAsLong());
  }

  /** True if {@code namer} may have one more hint dialed now (nothing is spent). */
  boolean has(Object namer) {
    long now = nowMillis.getAsLong();
    TokenBucket b = bucket(namer, now);
    if (b == null) {
      return false;
    }
    b.refill(now, burst, refillMs);
    shared.refill(now, sharedBurst, sharedRefillMs);
    return b.tokens > 0 && shared.tokens > 0;
  }

  /** Spends one of {@code namer}'s dials; false if it (or everyone together) has none left now. */
  boolean take(Object namer) {
    if (!has(namer)) {
      return false;
    }
    buckets.get(namer).tokens--;
    shared.tokens--;
    return true;
  }

  /** {@code namer} is gone: its budget with it. */
  void forget(Object namer) {
    buckets.remove(namer);
  }

  /** Namers with a bucket now. */
  int namers() {
    return buckets.size();
  }

  private TokenBucket bucket(Object namer, long now) {
    TokenBucket b = buckets.get(namer);
    if (b == null && buckets.size() < maxNamers) {
      b = new TokenBucket(burst, now);
      buckets.put(namer, b);
    }
    return b;
  }
}
