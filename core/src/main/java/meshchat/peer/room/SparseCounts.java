package meshchat.peer.room;

/**
 * A count per author index that is 0 for nearly every author (the causal buffer's pending messages
 * per author): only the non-zero counts are kept, in an open-addressing table (linear probing, at
 * most half full, an entry dropped when its count returns to 0 by backward shift: Knuth, TAOCP vol.
 * 3, 6.4, Algorithm R). An {@code int} array by author index cost 4 to 6 bytes per author a peer
 * ever heard of (10^8 of them in a 10,000-peer room) to hold the few dozen non-zero ones. Not
 * thread-safe.
 */
final class SparseCounts {
  private static final int MIN_SLOTS = 8;

  private int[] keys = new int[MIN_SLOTS]; // the author index + 1; 0: empty
  private int[] counts = new int[MIN_SLOTS];
  private int size; // non-zero counts

  /** The count of {@code key} (an author index, 0 or more): 0 for one never counted. */
  int get(int key) {
    if (size == 0) {
      return 0;
    }
    int mask = keys.length - 1;
    for (int i = home(key, mask); keys[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == key + 1) {
        return counts[i];
      }
    }
    return 0;
  }

  /** Adds {@code delta} to the count of {@code key} (an author index, 0 or more). */
  void add(int key, int delta) {
    if (key < 0 || key == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("an author index: " + key);
    }
    if (delta == 0) {
      return;
    }
    int mask = keys.length - 1;
    int i = home(key, mask);
    for (; keys[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == key + 1) {
        counts[i] += delta;
        if (counts[i] == 0) {
          remove(i);
        }
        return;
      }
    }
    keys[i] = key + 1;
    counts[i] = delta;
    size++;
    if (2 * size > keys.length) {
      resize(2 * keys.length);
    }
  }

  /** How many keys have a non-zero count. */
  int size() {
    return size;
  }

  private void remove(int at) {
    int mask = keys.length - 1;
    int gap = at;
    for (int i = (gap + 1) & mask; keys[i] != 0; i = (i + 1) & mask) {
      int h = home(keys[i] - 1, mask);
      // move i into the gap unless its home lies cyclically in (gap, i]
      if (gap <= i ? (h <= gap || h > i) : (h <= gap && h > i)) {
        keys[gap] = keys[i];
        counts[gap] = counts[i];
        gap = i;
      }
    }
    keys[gap] = 0;
    counts[gap] = 0;
    size--;
    if (size == 0 && keys.length > MIN_SLOTS) {
      keys = new int[MIN_SLOTS]; // a burst of held messages leaves no big table behind
      counts = new int[MIN_SLOTS];
    }
  }

  private void resize(int slots) {
    int[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new int[slots];
    counts = new int[slots];
    int mask = slots - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = home(oldKeys[j] - 1, mask);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        counts[i] = oldCounts[j];
      }
    }
  }

  private static int home(int key, int mask) {
    return ((key * 0x9E3779B9) >>> 16) & mask;
  }
}
