package meshchat.peer.membership;

/**
 * A token bucket: {@code tokens} now, counted at {@code at} (ms); {@link #refill} adds one per
 * {@code refillMs} since then, up to {@code burst}. Never overflows, whatever the clock says.
 */
final class TokenBucket {
  long tokens;
  long at;

  TokenBucket(long tokens, long at) {
    this.tokens = tokens;
    this.at = at;
  }

  void refill(long now, int burst, long refillMs) {
    long elapsed = elapsed(at, now);
    long add = elapsed / refillMs;
    if (add >= burst - tokens) {
      tokens = burst;
      at = now;
    } else if (add > 0) {
      tokens += add;
      at += add * refillMs; // <= elapsed: no overflow; the remainder counts toward the next
    } else if (now < at) {
      at = now; // a clock that went back: count from here
    }
  }

  /** {@code now - then}, 0 if the clock went back, saturated at {@link Long#MAX_VALUE}. */
  static long elapsed(long then, long now) {
    if (now <= then) {
      return 0;
    }
    long d = now - then;
    return d < 0 ? Long.MAX_VALUE : d;
  }
}
