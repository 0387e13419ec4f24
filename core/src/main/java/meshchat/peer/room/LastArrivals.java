package meshchat.peer.room;

/**
 * Whether something happened to each author, by author index, less than a fixed wait ago
 * (anti-entropy: whether a live message of the author was stored within {@link
 * AntiEntropy#TREE_WAIT_MS}). Only the authors it happened to within about the wait are kept, in an
 * open-addressing table (linear probing) that drops the older ones when it fills, before it grows:
 * an array by author index cost 2 to 8 bytes per author a peer ever heard of (10^8 of them in a
 * 10,000-peer room), to answer for the few hundred that spoke in the last wait. Exact for any wait,
 * while the time asked about never goes back. Not thread-safe.
 */
final class LastArrivals {
  private static final int MIN_SLOTS = 16;

  private final long waitMs;
  private int[] keys = new int[MIN_SLOTS]; // the author index + 1; 0: empty
  private long[] times = new long[MIN_SLOTS];
  private int size;

  /** Tells whether it happened less than {@code waitMs} (1 or more) ago. */
  LastArrivals(long waitMs) {
    if (waitMs < 1) {
      throw new IllegalArgumentException("a wait of 1 ms or more: " + waitMs);
    }
    this.waitMs = waitMs;
  }

  /** The author numbered {@code author} (0 or more) had it happen at {@code now}. */
  void arrived(int author, long now) {
    if (author < 0 || author == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("an author index: " + author);
    }
    int i = slot(author);
    if (keys[i] == 0) {
      if (2 * (size + 1) > keys.length) {
        rebuild(now);
        i = slot(author);
      }
      keys[i] = author + 1;
      size++;
    }
    times[i] = now;
  }

  /**
   * Whether it last happened to the author numbered {@code author} less than the wait before {@code
   * now}.
   */
  boolean within(int author, long now) {
    if (author < 0 || author == Integer.MAX_VALUE) {
      return false;
    }
    int i = slot(author);
    return keys[i] != 0 && now - times[i] < waitMs;
  }

  /** How many authors are kept: those it happened to within the wait, and some older ones. */
  int kept() {
    return size;
  }

  /** The slot of {@code author}: its own, or the empty one where it would go. */
  private int slot(int author) {
    int mask = keys.length - 1;
    int i = ((author * 0x9E3779B9) >>> 16) & mask;
    while (keys[i] != 0 && keys[i] != author + 1) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /**
   * Drops what happened a wait or more before {@code now} (never within again), and sizes the table
   * to what is left: at most a quarter full, at least {@link #MIN_SLOTS} slots.
   */
  private void rebuild(long now) {
    int[] oldKeys = keys;
    long[] oldTimes = times;
    int live = 0;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0 && now - oldTimes[j] < waitMs) {
        live++;
      }
    }
    int slots = MIN_SLOTS;
    while (slots < 4 * (live + 1)) {
      slots *= 2;
    }
    keys = new int[slots];
    times = new long[slots];
    size = 0;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0 && now - oldTimes[j] < waitMs) {
        int i = slot(oldKeys[j] - 1);
        keys[i] = oldKeys[j];
        times[i] = oldTimes[j];
        size++;
      }
    }
  }
}
