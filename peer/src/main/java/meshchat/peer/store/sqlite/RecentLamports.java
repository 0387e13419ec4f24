package meshchat.peer.store.sqlite;

import java.util.HashMap;
import java.util.Map;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * The times (lamport) of the messages a store wrote last, kept in memory so that {@code lamportOf}
 * rarely asks SQLite (docs/benchmarks.md, sessions 15 and 19).
 *
 * <p>How far back it must reach: the room asks for the time of every dependency a message names
 * past its own 1,024 recent ones, and in a busy room a peer's links lag by seconds, so the deps its
 * neighbours name are 40,000 to 160,000 stores back (the SQLite throughput cell: 8,000 to 32,000
 * seqs behind their author's newest; with 16,384 entries, 70 to 99 % of the 2 to 4 lookups per
 * delivery went to SQLite).
 *
 * <p>Measured again in session 30 (docs/benchmarks.md): the deps the room asked SQLite for were
 * 32,768 to 131,071 seqs behind their author's newest stored one, past rings that at five origins
 * stopped at 32,768 and 65,536 slots, and those queries took about a fifth of the room threads'
 * time in the SQLite throughput cell; so a ring now grows to 131,072 and all rings together to 16
 * MB, enough for five busy origins' rings at their cap beside the first rings still to come.
 *
 * <p>So each origin has a ring indexed by seq, each slot a (seq, time) pair side by side: an
 * origin's newest seqs, up to the ring's length. A message stored is one write next to the last
 * one, and a dependency, nearly always a recent seq, is read from the ring's warm end. Until
 * session 23 one table of 262,144 slots held every origin's ids by a hash of (origin, seq): each
 * store and each lookup read slots in three arrays at a random place, cache misses that took 5.9 to
 * 6.5 % of the room threads' samples in the SQLite throughput cell (docs/benchmarks.md, session
 * 23).
 *
 * <p>What it holds is bounded whatever the seqs: a ring starts at {@link #FIRST_LENGTH} slots and
 * doubles when its origin's next seq would overwrite the one {@code length} before it (the ring is
 * full of the origin's last seqs), up to {@link #MAX_LENGTH}, and only while all rings together,
 * with a first ring for every origin not yet seen up to {@link #MAX_ORIGINS}, stay within {@link
 * #MAX_SLOTS} (16 bytes a slot: 16 MB); past {@link #MAX_ORIGINS} origins every ring is dropped (a
 * room with more authors than that writing at once asks SQLite more). A slot answers only for the
 * seq it holds, so a jump in seqs costs nothing but what it overwrites. A miss only costs the
 * indexed query. Not thread-safe: the store guards it with the database.
 */
final class RecentLamports {
  /**
   * Slots of all rings together (16 bytes each: 16 MB), room for a first ring of every origin up to
   * {@link #MAX_ORIGINS} included: a ring grows only while that room stays free.
   */
  static final int MAX_SLOTS = 1_048_576;

  /** The most slots one origin's ring has. */
  static final int MAX_LENGTH = 131_072;

  static final int FIRST_LENGTH = 64;

  /** Origins with a ring; one more drops them all (a stranger can name any number). */
  static final int MAX_ORIGINS = 4_096;

  private static final class Ring {
    // slot i's seq at 2i and its time at 2i + 1 (time 0: empty; a stored message's time is >= 1);
    // seq s lives in slot s & (length - 1)
    long[] pairs = new long[2 * FIRST_LENGTH];
    long top; // the highest seq put
  }

  private final Map<PeerId, Ring> rings = new HashMap<>();
  private int slots; // the rings' lengths, summed

  void put(MessageId id, long lamport) {
    Ring r = rings.get(id.origin());
    if (r == null) {
      if (rings.size() == MAX_ORIGINS) {
        clear();
      }
      r = new Ring();
      rings.put(id.origin(), r);
      slots += FIRST_LENGTH;
    }
    long seq = id.seq();
    if (seq > r.top) {
      int length = r.pairs.length / 2;
      if (seq - r.top < length) {
        int at = 2 * ((int) seq & (length - 1));
        if (r.pairs[at + 1] != 0 && r.pairs[at] >= seq - length) {
          grow(r); // the ring is full of this origin's last seqs: it outgrew it
        }
      }
      r.top = seq;
    }
    long[] p = r.pairs;
    int at = 2 * ((int) seq & (p.length / 2 - 1));
    p[at] = seq;
    p[at + 1] = lamport;
  }

  /** Doubles {@code r} if the limits allow, moving each pair it holds to its new slot. */
  private void grow(Ring r) {
    long[] old = r.pairs;
    int length = old.length / 2;
    long unseen = (long) (MAX_ORIGINS - rings.size()) * FIRST_LENGTH; // first rings still to come
    if (length >= MAX_LENGTH || slots + unseen + length > MAX_SLOTS) {
      return;
    }
    long[] p = new long[2 * old.length];
    int mask = 2 * length - 1;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i + 1] != 0) {
        int at = 2 * ((int) old[i] & mask);
        p[at] = old[i];
        p[at + 1] = old[i + 1];
      }
    }
    r.pairs = p;
    slots += length;
  }

  /** The time stored with {@code id}, or 0 if this table does not hold it. */
  long get(MessageId id) {
    Ring r = rings.get(id.origin());
    if (r == null) {
      return 0;
    }
    long seq = id.seq();
    long[] p = r.pairs;
    int at = 2 * ((int) seq & (p.length / 2 - 1));
    return p[at] == seq ? p[at + 1] : 0;
  }

  /** Forgets every time (a rollback took their rows). */
  void clear() {
    rings.clear();
    slots = 0;
  }

  /** Slots of all rings together (for tests). */
  int slots() {
    return slots;
  }

  /** The slots of {@code origin}'s ring, 0 if it has none (for tests). */
  int length(PeerId origin) {
    Ring r = rings.get(origin);
    return r == null ? 0 : r.pairs.length / 2;
  }
}
