package meshchat.peer.store.sqlite;

import java.util.Arrays;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * The times (lamport) of the messages a store wrote last, kept in memory so that {@code lamportOf}
 * rarely asks SQLite (docs/benchmarks.md, session 15). Direct-mapped: an id has one slot, and a
 * later id hashed to the same slot takes it; a miss only costs the indexed query. No object per
 * entry: storing a message costs three array writes, where an insertion-ordered map cost an entry,
 * a boxed time and the eldest entry's removal per message (1-2 % of a catch-up's receiving thread,
 * docs/benchmarks.md, session 17). The table starts small and doubles up to {@link #MAX_SLOTS}, so
 * a room that stores little keeps little. Not thread-safe: the store guards it with the database.
 */
final class RecentLamports {
  /** About the last 16,384 messages stored, with room for the collisions a full table has. */
  static final int MAX_SLOTS = 32_768;

  private static final int FIRST_SLOTS = 1_024;

  private PeerId[] origins = new PeerId[FIRST_SLOTS];
  private long[] seqs = new long[FIRST_SLOTS];
  private long[] lamports = new long[FIRST_SLOTS]; // 0: empty (a stored message's time is >= 1)
  private int puts; // since the table last grew

  void put(MessageId id, long lamport) {
    if (++puts > origins.length && origins.length < MAX_SLOTS) {
      grow();
    }
    int s = slot(id.origin(), id.seq(), origins.length);
    origins[s] = id.origin();
    seqs[s] = id.seq();
    lamports[s] = lamport;
  }

  /** The time stored with {@code id}, or 0 if this table does not hold it. */
  long get(MessageId id) {
    int s = slot(id.origin(), id.seq(), origins.length);
    return lamports[s] != 0 && seqs[s] == id.seq() && id.origin().equals(origins[s])
        ? lamports[s]
        : 0;
  }

  /** Forgets every time (a rollback took their rows). */
  void clear() {
    Arrays.fill(origins, null);
    Arrays.fill(lamports, 0);
  }

  private void grow() {
    PeerId[] o = origins;
    long[] q = seqs;
    long[] l = lamports;
    origins = new PeerId[o.length * 2];
    seqs = new long[o.length * 2];
    lamports = new long[o.length * 2];
    puts = 0;
    for (int i = 0; i < o.length; i++) {
      if (l[i] != 0) {
        int s = slot(o[i], q[i], origins.length);
        origins[s] = o[i];
        seqs[s] = q[i];
        lamports[s] = l[i];
      }
    }
  }

  private static int slot(PeerId origin, long seq, int slots) {
    int h = 31 * origin.hashCode() + Long.hashCode(seq); // MessageId's hash
    return (h * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(slots));
  }
}
