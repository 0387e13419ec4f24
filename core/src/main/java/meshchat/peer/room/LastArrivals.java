package meshchat.peer.room;

import java.util.Arrays;
import meshchat.peer.sync.AuthorIndex;

/**
 * Whether something happened to each author, by author index, less than a fixed wait ago
 * (anti-entropy: whether a live message of the author was stored within {@link
 * AntiEntropy#TREE_WAIT_MS}), in a {@code char} per author: a 10,000-peer room's peers keep 10^8 of
 * them, and an {@code int} cost twice, a {@code long} four times. Times are kept as ms after a base
 * that moves up (and every entry down) before a time would pass the char's range; an entry older
 * than the wait when the base moves is kept as "long ago", as it can never be within the wait
 * again. Exact for any wait up to {@link #MAX_WAIT_MS}, while the time asked about never goes back.
 */
final class LastArrivals {
  /** The longest wait kept exactly: half the char's range, so the base moves every half range. */
  static final long MAX_WAIT_MS = Character.MAX_VALUE / 2;

  private static final char NEVER = 0; // or long ago; else the time after base, + 1

  private final long waitMs;
  private char[] at = new char[8];
  private long base;

  /** Tells whether it happened less than {@code waitMs} (1 to {@link #MAX_WAIT_MS}) ago. */
  LastArrivals(long waitMs) {
    if (waitMs < 1 || waitMs > MAX_WAIT_MS) {
      throw new IllegalArgumentException("a wait of 1.." + MAX_WAIT_MS + " ms: " + waitMs);
    }
    this.waitMs = waitMs;
  }

  /** The author numbered {@code author} had it happen at {@code now}. */
  void arrived(int author, long now) {
    if (author >= at.length) {
      at = Arrays.copyOf(at, AuthorIndex.grownLength(at.length, author));
    }
    if (now < base || now - base >= Character.MAX_VALUE) {
      rebase(now);
    }
    at[author] = (char) (now - base + 1);
  }

  /**
   * Whether it last happened to the author numbered {@code author} less than the wait before {@code
   * now}.
   */
  boolean within(int author, long now) {
    return author >= 0
        && author < at.length
        && at[author] != NEVER
        && now - (base + at[author] - 1) < waitMs;
  }

  /** Counts from the wait before {@code now} on; an entry older than that is kept as long ago. */
  private void rebase(long now) {
    long newBase = now - waitMs;
    for (int i = 0; i < at.length; i++) {
      if (at[i] != NEVER) {
        long t = base + at[i] - 1 - newBase; // the entry's time after the new base
        at[i] = t < 0 ? NEVER : (char) (Math.min(t, Character.MAX_VALUE - 1) + 1);
      }
    }
    base = newBase;
  }
}
