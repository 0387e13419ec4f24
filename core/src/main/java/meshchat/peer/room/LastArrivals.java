package meshchat.peer.room;

import java.util.Arrays;
import meshchat.peer.sync.AuthorIndex;

/**
 * When something last happened to each author, by author index (anti-entropy: when a live message
 * of the author was last stored), in an {@code int} per author, not a {@code long}: a 10,000-peer
 * room's peers keep 10^8 of them. Times are ms after a base that moves up (and every entry down)
 * before a time would pass the int's range; an entry more than 2^31 ms (24 days) before the newest
 * time is kept as "long ago". {@link #within} is exact for any wait under 2^31 ms (anti-entropy's
 * is under a second).
 */
final class LastArrivals {
  private static final int NEVER = Integer.MIN_VALUE;
  private static final int LONG_AGO = Integer.MIN_VALUE + 1;

  private int[] at = filled(new int[8], 0);
  private long base;

  private static int[] filled(int[] a, int from) {
    Arrays.fill(a, from, a.length, NEVER);
    return a;
  }

  /** The author numbered {@code author} had it happen at {@code now}. */
  void arrived(int author, long now) {
    if (author >= at.length) {
      int from = at.length;
      at = filled(Arrays.copyOf(at, AuthorIndex.grownLength(at.length, author)), from);
    }
    if (now - base > Integer.MAX_VALUE || now < base) {
      rebase(now);
    }
    at[author] = (int) (now - base);
  }

  /**
   * Whether it last happened to the author numbered {@code author} less than {@code ms} before
   * {@code now}.
   */
  boolean within(int author, long now, long ms) {
    return author >= 0
        && author < at.length
        && at[author] != NEVER
        && now - (base + at[author]) < ms;
  }

  /** Counts from {@code now} on, keeping every entry's time (or "long ago"). */
  private void rebase(long now) {
    long shift = now - base;
    for (int i = 0; i < at.length; i++) {
      if (at[i] != NEVER) {
        at[i] = (int) Math.max(LONG_AGO, Math.min(Integer.MAX_VALUE, at[i] - shift));
      }
    }
    base = now;
  }
}
