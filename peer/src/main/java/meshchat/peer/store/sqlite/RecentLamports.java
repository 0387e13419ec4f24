package meshchat.peer.store.sqlite;

import java.util.Arrays;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * The times (lamport) of the messages a store wrote last, kept in memory so that {@code lamportOf}
 * rarely asks SQLite (docs/benchmarks.md, sessions 15 and 19). No object per entry: storing a
 * message costs a few array writes, where an insertion-ordered map cost an entry, a boxed time and
 * the eldest entry's removal per message (1-2 % of a catch-up's receiving thread,
 * docs/benchmarks.md, session 17).
 *
 * <p>How far back it must reach: the room asks for the time of every dependency a message names
 * past its own 1,024 recent ones, and in a busy room a peer's links lag by seconds, so the deps its
 * neighbours name are 40,000 to 160,000 stores back (the SQLite throughput cell: 8,000 to 32,000
 * seqs behind their author's newest; with 16,384 entries, 70 to 99 % of the 2 to 4 lookups per
 * delivery went to SQLite). So it holds up to {@link #MAX_SLOTS}, in groups of {@link #WAYS} slots:
 * an id has one group, newest entry first; a fifth id pushes out the group's oldest. A miss only
 * costs the indexed query. The table starts small and doubles while it is over half full, so a room
 * that stores little keeps little (at most 5 MB). Not thread-safe: the store guards it with the
 * database.
 */
final class RecentLamports {
  /** Most of the last 130,000 messages stored (20 bytes a slot: 5 MB when full). */
  static final int MAX_SLOTS = 262_144;

  /** Slots per group: an id has one group, newest entry first. */
  static final int WAYS = 4;

  private static final int FIRST_SLOTS = 1_024;

  private PeerId[] origins = new PeerId[FIRST_SLOTS];
  private long[] seqs = new long[FIRST_SLOTS];
  private long[] lamports = new long[FIRST_SLOTS]; // 0: empty (a stored message's time is >= 1)
  private int puts; // entries put, an upper bound of those held (it stops counting at the top)

  void put(MessageId id, long lamport) {
    if (origins.length < MAX_SLOTS && ++puts > origins.length / 2) {
      grow();
    }
    place(id.origin(), id.seq(), lamport);
  }

  private void place(PeerId origin, long seq, long lamport) {
    int first = group(origin, seq, origins.length);
    int at = first;
    while (at < first + WAYS - 1 && !holds(at, origin, seq)) {
      at++;
    }
    // the group's newer entries move one slot on, pushing out its oldest (or this id's own entry:
    // its time never changes, but a rolled-back id is stored again); this id goes first
    for (int s = at; s > first; s--) {
      set(s, origins[s - 1], seqs[s - 1], lamports[s - 1]);
    }
    set(first, origin, seq, lamport);
  }

  /** The time stored with {@code id}, or 0 if this table does not hold it. */
  long get(MessageId id) {
    PeerId origin = id.origin();
    long seq = id.seq();
    int first = group(origin, seq, origins.length);
    for (int s = first; s < first + WAYS; s++) {
      if (holds(s, origin, seq)) {
        return lamports[s];
      }
    }
    return 0;
  }

  /** Forgets every time (a rollback took their rows). */
  void clear() {
    Arrays.fill(origins, null);
    Arrays.fill(lamports, 0);
  }

  private boolean holds(int slot, PeerId origin, long seq) {
    return lamports[slot] != 0 && seqs[slot] == seq && origin.equals(origins[slot]);
  }

  private void set(int slot, PeerId origin, long seq, long lamport) {
    origins[slot] = origin;
    seqs[slot] = seq;
    lamports[slot] = lamport;
  }

  /** Moves every entry to a table twice as large, the oldest of a group first. */
  private void grow() {
    PeerId[] o = origins;
    long[] q = seqs;
    long[] l = lamports;
    origins = new PeerId[o.length * 2];
    seqs = new long[o.length * 2];
    lamports = new long[o.length * 2];
    for (int i = 0; i < o.length; i += WAYS) {
      for (int s = i + WAYS - 1; s >= i; s--) {
        if (l[s] != 0) {
          place(o[s], q[s], l[s]);
        }
      }
    }
  }

  /**
   * The first slot of the group of {@code (origin, seq)}: the two hashed together and mixed (a
   * murmur3 finalizer), so that consecutive seqs of a few authors spread over the whole table.
   */
  static int group(PeerId origin, long seq, int slots) {
    long x = seq * 0x9E3779B97F4A7C15L + origin.hashCode();
    x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
    x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
    x ^= x >>> 33;
    return (int) x & (slots - WAYS);
  }
}
