package meshchat.tracker.directory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import meshchat.wire.NetGroup;

/**
 * Who holds how much of a bounded table (a room's members, the tracker's sessions), counted by
 * network: the entries of one {@link #group group} (an IPv6 /48, an IPv4 /24), and who makes room
 * when the table is full (rev30 FINDING-8, FINDING-9).
 *
 * <p>The per-source bounds count an IPv6 /64 (or an IPv4 address) as one source, but one home line
 * is routinely given a /56 or a /48: 256 or 65,536 sources. So when the table is full, a newcomer
 * from a group holding at least two entries fewer than the most represented group takes the place
 * of that group's youngest entry ({@link #victimFor}); otherwise it is refused as before. Ties go
 * to the group whose youngest entry is youngest. A group is never dropped below one entry more than
 * the newcomer's, so: a refused newcomer's group holds within one of every other group (each group
 * ends up within one of its fair share of the table, {@code ceil(capacity / groups) + 1} at most,
 * however many sources, keys or sessions it has); an entry alone in its group is never dropped; and
 * cycling keys or addresses within a network cannot unseat anyone from another. The same policy as
 * the peers' link slots (core's {@code Membership.evictionVictim}).
 *
 * <p>Not thread-safe: one thread owns it, as it owns the table. Every operation is O(log n).
 *
 * @param <T> what an entry is (a registration, a session); compared by equals
 */
public final class PrefixShares<T> {
  private static final class Group<T> {
    final String key;
    final TreeMap<Long, T> entries = new TreeMap<>(); // by arrival: the last is the youngest

    Group(String key) {
      this.key = key;
    }

    long youngest() {
      return entries.lastKey();
    }
  }

  private final Map<String, Group<T>> groups = new HashMap<>();
  private final Map<T, Long> arrival = new HashMap<>();
  private final Map<T, Group<T>> groupOf = new HashMap<>();
  // the most represented group last: most entries, then the youngest entry
  private final TreeSet<Group<T>> ranked =
      new TreeSet<>(
          Comparator.<Group<T>>comparingInt(g -> g.entries.size())
              .thenComparingLong(Group::youngest)
              .thenComparing(g -> g.key));
  private long nextArrival;

  /**
   * The group an address counts in: an IPv6 address its /48 ({@code 2001:db8:7::/48}); an IPv4
   * address (or an IPv4-mapped IPv6 one) its /24 ({@code 192.0.2.0/24}); text that is no IP literal
   * is its own group. A /56 lies within its /48, so it needs no group of its own.
   */
  public static String group(String address) {
    return NetGroup.prefix(address, 24, 48);
  }

  /** Counts {@code entry} in {@code group} as its youngest entry; it must not be held already. */
  public void add(T entry, String group) {
    if (arrival.containsKey(entry)) {
      throw new IllegalArgumentException("held already: " + entry);
    }
    Group<T> g = groups.computeIfAbsent(group, Group::new);
    if (!g.entries.isEmpty()) {
      ranked.remove(g);
    }
    long at = nextArrival++;
    g.entries.put(at, entry);
    arrival.put(entry, at);
    groupOf.put(entry, g);
    ranked.add(g);
  }

  /** Stops counting {@code entry}; nothing if it is not held. */
  public void remove(T entry) {
    Long at = arrival.remove(entry);
    if (at == null) {
      return;
    }
    Group<T> g = groupOf.remove(entry);
    ranked.remove(g);
    g.entries.remove(at);
    if (g.entries.isEmpty()) {
      groups.remove(g.key);
    } else {
      ranked.add(g);
    }
  }

  /** Entries held by {@code group}. */
  public int held(String group) {
    Group<T> g = groups.get(group);
    return g == null ? 0 : g.entries.size();
  }

  /** Entries held in all. */
  public int size() {
    return arrival.size();
  }

  /**
   * The entry to drop so that a newcomer from {@code newGroup} has a place in a full table: the
   * youngest entry of the most represented group, if that group holds at least two entries more
   * than {@code newGroup}; else null (the newcomer is refused). Changes nothing: the caller drops
   * the entry it names, telling its owner, and {@link #remove}s it.
   */
  public T victimFor(String newGroup) {
    if (ranked.isEmpty()) {
      return null;
    }
    Group<T> most = ranked.last();
    return most.entries.size() > held(newGroup) + 1 ? most.entries.lastEntry().getValue() : null;
  }
}
