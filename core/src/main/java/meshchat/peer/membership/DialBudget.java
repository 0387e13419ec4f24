package meshchat.peer.membership;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How often new candidates at one source (an IPv4 address or IPv6 /64, {@link
 * MembershipEffects#sourceOf}) may be dialed: a token bucket per source ({@link #BURST} dials, then
 * one more per {@link #REFILL_MS}) inside one for every source together. A dial spends a token and
 * a link that comes up from the source gives one back, so a source whose peers answer is held back
 * only while {@link #BURST} of its dials are under way at once, and one whose dials fail (or are
 * forgotten before they end) is dialed at the refill's pace. The tracker's members are vouched for
 * and dialed at once; a client of the tracker that joins and leaves with many keys, each naming a
 * port that never completes a link, made every member dial at the rate it churned (rev29: 623
 * connections in 3 s from 128 joins). Redials of a lost link and of a pinned peer have their own
 * backoff and are not counted here. At most {@link #MAX_SOURCES} sources are remembered, the least
 * recently dialed forgotten first: the shared bucket still bounds the whole.
 */
final class DialBudget {
  static final int BURST = 16;
  static final long REFILL_MS = 250;
  static final int SHARED_BURST = 64;
  static final long SHARED_REFILL_MS = 50;
  static final int MAX_SOURCES = 1_024;

  private final LongSupplier nowMillis;
  private final Map<String, TokenBucket> sources =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
          return size() > MAX_SOURCES;
        }
      };
  private final TokenBucket shared;

  DialBudget(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
    this.shared = new TokenBucket(SHARED_BURST, nowMillis.getAsLong());
  }

  /** Whether a new candidate at {@code source} may be dialed now (nothing is spent). */
  boolean allows(String source) {
    long now = nowMillis.getAsLong();
    shared.refill(now, SHARED_BURST, SHARED_REFILL_MS);
    TokenBucket b = sources.get(source);
    if (b == null) {
      return shared.tokens > 0;
    }
    b.refill(now, BURST, REFILL_MS);
    return b.tokens > 0 && shared.tokens > 0;
  }

  /** A new candidate at {@code source} is dialed now. */
  void spend(String source) {
    long now = nowMillis.getAsLong();
    TokenBucket b = sources.computeIfAbsent(source, s -> new TokenBucket(BURST, now));
    b.refill(now, BURST, REFILL_MS);
    shared.refill(now, SHARED_BURST, SHARED_REFILL_MS);
    b.tokens = Math.max(0, b.tokens - 1);
    shared.tokens = Math.max(0, shared.tokens - 1);
  }

  /** A link from {@code source} came up: one dial's token back, at most to the burst. */
  void linked(String source) {
    TokenBucket b = sources.get(source);
    if (b != null && b.tokens < BURST) {
      b.tokens++;
    }
    if (shared.tokens < SHARED_BURST) {
      shared.tokens++;
    }
  }

  /** Sources remembered now (bounded). */
  int sources() {
    return sources.size();
  }
}
