package meshchat.peer.store.sqlite;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * The canonical keys (lamport, origin, seq) of the highest stored messages, so that {@code
 * predecessor} is answered from memory for a message shown late among the newest ones: in the
 * SQLite throughput cell that query ran for about half of the messages shown and took 11.6 % of the
 * room threads' samples (docs/benchmarks.md, session 21).
 *
 * <p>The invariant that makes an answer exact: every stored key above {@link #cutoff} is in {@link
 * #keys} (null cutoff: every stored key is). A key at or below the cutoff is not kept; past {@link
 * #capacity} the lowest key goes and becomes the cutoff. So the highest kept key below a probe is
 * the highest stored one; if none is kept below it, only a null cutoff proves there is none, else
 * the caller asks SQLite. A rollback takes rows away: the window is emptied and the cutoff set to
 * the highest key then stored ({@link #reset}). Guarded by the database's lock, like the store.
 */
final class RecentOrder {
  private record Key(long lamport, PeerId origin, long seq) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compare(lamport, o.lamport);
      if (c != 0) {
        return c;
      }
      c = origin.compareTo(o.origin);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final int capacity;
  private final TreeSet<Key> keys = new TreeSet<>();
  private Key cutoff;
  // one id object per origin for the keys, so that a key costs ~72 bytes and not a copy of its
  // message's id as well; emptied past MAX_ORIGINS (keys keep the ones they hold)
  private final Map<PeerId, PeerId> origins = new HashMap<>();
  private static final int MAX_ORIGINS = 4_096;
  private boolean known; // false until reset() says where the stored keys end

  RecentOrder(int capacity) {
    this.capacity = capacity;
  }

  /** Whether {@link #reset} must run before the next use (at the start, after a rollback). */
  boolean unknown() {
    return !known;
  }

  /**
   * Empties the window; the highest key stored now is (lamport, origin, seq), or {@code any} is
   * false if nothing is stored.
   */
  void reset(long lamport, PeerId origin, long seq, boolean any) {
    keys.clear();
    cutoff = any ? new Key(lamport, origin, seq) : null;
    known = true;
  }

  /** Forgets everything (a rollback): {@link #reset} runs before the next use. */
  void forget() {
    keys.clear();
    origins.clear();
    known = false;
  }

  /** A message was stored. */
  void stored(long lamport, PeerId origin, long seq) {
    if (cutoff != null && !above(lamport, origin, seq, cutoff)) {
      return;
    }
    PeerId shared = origins.putIfAbsent(origin, origin);
    if (shared == null) {
      shared = origin;
      if (origins.size() > MAX_ORIGINS) {
        origins.clear();
      }
    }
    keys.add(new Key(lamport, shared, seq));
    if (keys.size() > capacity) {
      cutoff = keys.pollFirst();
    }
  }

  private static boolean above(long lamport, PeerId origin, long seq, Key k) {
    if (lamport != k.lamport()) {
      return lamport > k.lamport();
    }
    int c = origin.compareTo(k.origin());
    return c != 0 ? c > 0 : seq > k.seq();
  }

  /**
   * The stored message right before {@code ts} in canonical order: present if known here, {@code
   * Optional.empty()} inside if known that none is, null if SQLite must be asked.
   */
  Optional<MessageId> predecessor(LamportTimestamp ts) {
    Key lower = keys.lower(new Key(ts.time(), ts.origin(), Long.MIN_VALUE));
    if (lower != null) {
      return Optional.of(new MessageId(lower.origin(), lower.seq()));
    }
    return cutoff == null ? Optional.empty() : null;
  }
}
