package meshchat.peer.room;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.WideningInts;

/**
 * Anti-entropy's digest snapshots in the order they were taken, as author indexes, and each
 * author's place in it: a delta digest reads only the snapshots taken since the link's last digest,
 * not every author the room holds (a 1,000-author room sends thousands of delta digests of a few
 * entries each, and each was a scan of 1,000 authors). Arrays, not a sorted map, as every simulated
 * peer keeps one entry per author.
 *
 * <p>An entry's version is its place in the log + 1, so no version is kept per entry (a 10,000-peer
 * room's peers keep 10^8 entries; an {@code int} each was 4 to 6 bytes per (peer, author)). A
 * replaced snapshot's entry is cleared at once and the cleared ones dropped when the log fills: the
 * entries after them move down, and their versions with them. The versions a caller keeps (what
 * each link was told up to) are then renumbered through the function handed to {@code renumbered},
 * which keeps every comparison with an entry's version as it was: an entry newer than a kept
 * version is newer than its renumbering, an older one older.
 *
 * <p>Both arrays hold a {@code char} per entry while their values fit ({@link WideningInts}): an
 * author index + 1 in the log, a place + 1 in the slots, below 65,536 in a room of fewer than about
 * 30,000 authors (the log is at most twice as long as its live entries, and half again when it
 * grows). An {@code int} each cost 8 to 9 bytes per (peer, author) at 10,000 peers, 2 fewer each is
 * 400 MB there.
 */
final class SnapshotLog {
  private final Consumer<LongUnaryOperator> renumbered;
  // by author index: its entry's version (place + 1); 0: none
  private final WideningInts slots = new WideningInts(8);
  private final WideningInts log = new WideningInts(16); // author index + 1; 0: a cleared entry
  private int size;

  /** A log whose compactions renumber the versions its owner keeps through {@code renumbered}. */
  SnapshotLog(Consumer<LongUnaryOperator> renumbered) {
    this.renumbered = renumbered;
  }

  /**
   * Adds {@code author}'s snapshot, replacing its entry if it has one; returns its version, above
   * every version handed out before (or renumbered since).
   */
  long add(int author) {
    clear(author);
    if (size == log.length()) {
      compact();
      if (size > log.length() / 2) { // half again: doubling left a 10,000-author log 3/5 empty
        log.resize(log.length() + (log.length() >> 1));
      }
    }
    if (author >= slots.length()) {
      slots.resize(AuthorIndex.grownLength(slots.length(), author));
    }
    log.set(size, author + 1);
    size++;
    slots.set(author, size);
    return size;
  }

  /** The newest version handed out (renumbered since, if the log was compacted); 0 for none. */
  long latest() {
    return size;
  }

  /** Clears {@code author}'s entry, replaced or dropped; nothing if it has none. */
  void clear(int author) {
    if (author >= 0 && author < slots.length() && slots.get(author) > 0) {
      log.set(slots.get(author) - 1, 0);
      slots.set(author, 0);
    }
  }

  /** The version of {@code author}'s entry, or -1 if it has none. */
  long versionOf(int author) {
    if (author < 0 || author >= slots.length()) {
      return -1;
    }
    int version = slots.get(author);
    return version > 0 ? version : -1;
  }

  /** The authors of the entries with a version above {@code version}, oldest first. */
  int[] after(long version) {
    int from = (int) Math.max(0, Math.min(size, version)); // entry i's version is i + 1
    int[] out = new int[size - from];
    int n = 0;
    for (int j = from; j < size; j++) {
      int a = log.get(j);
      if (a > 0) {
        out[n++] = a - 1;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * Drops the cleared entries, keeping the order, and renumbers the versions kept outside: a kept
   * version {@code v} (every entry at places below {@code v} told) becomes the number of entries
   * kept below place {@code v}; one at or past the end moves down by the entries dropped.
   */
  private void compact() {
    int[] from = new int[size]; // each kept entry's place before
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int a = log.get(i);
      if (a > 0) {
        from[kept] = i;
        log.set(kept, a);
        kept++;
        slots.set(a - 1, kept);
      }
    }
    int dropped = size - kept;
    int before = size;
    size = kept;
    if (dropped == 0) {
      return;
    }
    int n = kept;
    renumbered.accept(
        v -> {
          if (v <= 0) {
            return v;
          } else if (v >= before) {
            return v - dropped;
          }
          int i = Arrays.binarySearch(from, 0, n, (int) v); // kept entries at places below v
          return i >= 0 ? i : -i - 1;
        });
  }
}
