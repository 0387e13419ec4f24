package meshchat.peer.room;

import java.util.Arrays;
import meshchat.peer.sync.AuthorIndex;

/**
 * Anti-entropy's digest snapshots in the order they were taken, as author indexes, each with its
 * version (versions ascend in the order added), and each author's place in it: a delta digest reads
 * only the snapshots taken since the link's last digest, not every author the room holds (a
 * 1,000-author room sends thousands of delta digests of a few entries each, and each was a scan of
 * 1,000 authors). A replaced snapshot's entry is cleared at once and the cleared ones dropped when
 * the log fills. Arrays, not a sorted map, as every simulated peer keeps one entry per author.
 *
 * <p>A version is kept as an {@code int} after a base, not a {@code long} (a 10,000-peer room's
 * peers keep 10^8 entries): should the newest pass the int's range, the base moves up and an entry
 * older than the new base counts as taken at the base. It then reads as newer than it was, so a
 * link that heard nothing for 2^30 versions is told of it again, never not told.
 */
final class SnapshotLog {
  private int[] slots = new int[8]; // by author index: its entry + 1; 0: none
  private int[] log = new int[16]; // author indexes; -1: a cleared entry
  private int[] versions = new int[16]; // each entry's version less base
  private long base;
  private int size;

  /** Adds {@code author}'s snapshot at {@code version}, above every version added before. */
  void add(int author, long version) {
    clear(author);
    if (size == log.length) {
      compact();
      if (size > log.length / 2) { // half again: doubling left a 10,000-author log 3/5 empty
        log = Arrays.copyOf(log, log.length + (log.length >> 1));
        versions = Arrays.copyOf(versions, log.length);
      }
    }
    if (version - base > Integer.MAX_VALUE) {
      rebase(version - Integer.MAX_VALUE / 2);
    }
    if (author >= slots.length) {
      slots = Arrays.copyOf(slots, AuthorIndex.grownLength(slots.length, author));
    }
    slots[author] = size + 1;
    log[size] = author;
    versions[size] = (int) (version - base);
    size++;
  }

  /** Clears {@code author}'s entry, replaced or dropped; nothing if it has none. */
  void clear(int author) {
    if (author < slots.length && slots[author] > 0) {
      log[slots[author] - 1] = -1;
      slots[author] = 0;
    }
  }

  /** The version of {@code author}'s entry (as kept: see the class), or -1 if it has none. */
  long versionOf(int author) {
    return author < slots.length && slots[author] > 0 ? base + versions[slots[author] - 1] : -1;
  }

  /** The authors of the entries with a version above {@code version}, oldest first. */
  int[] after(long version) {
    int from; // the first with a version above
    long key = version < base ? -1 : version - base; // no overflow, whatever version is
    if (key < 0) {
      from = 0;
    } else if (key > Integer.MAX_VALUE) {
      from = size;
    } else {
      int i = Arrays.binarySearch(versions, 0, size, (int) key);
      if (i >= 0) {
        while (i + 1 < size && versions[i + 1] == key) {
          i++; // entries that count as taken at the base share one version
        }
        from = i + 1;
      } else {
        from = -i - 1;
      }
    }
    int[] out = new int[size - from];
    int n = 0;
    for (int j = from; j < size; j++) {
      if (log[j] >= 0) {
        out[n++] = log[j];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Counts versions from {@code newBase} on; an older one counts as taken at the new base. */
  private void rebase(long newBase) {
    for (int i = 0; i < size; i++) {
      versions[i] = (int) Math.max(0, base + versions[i] - newBase);
    }
    base = newBase;
  }

  /** Drops the cleared entries, keeping the order. */
  private void compact() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int a = log[i];
      if (a >= 0) {
        slots[a] = kept + 1;
        log[kept] = a;
        versions[kept] = versions[i];
        kept++;
      }
    }
    size = kept;
  }
}
