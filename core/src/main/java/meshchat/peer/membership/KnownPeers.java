package meshchat.peer.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * The address book: peers this one may dial, learned from the tracker, the peer cache, peer
 * exchange and links. Bounded; past the bound a random entry makes room, so no source can fill it
 * with its own picks for good. An array beside the index gives O(1) uniform sampling and removal.
 *
 * <p>An entry is either vouched for (the tracker named it, the peer cache held it, or a link to it
 * proved its key) or a <em>hint</em>: a stranger's word (a neighbour's PeerList, ForwardJoin or
 * Shuffle, a LAN announcement), remembered with who said it. A hint never replaces a known entry's
 * address, is forgotten on its first failed dial and when its namer goes away, and makes room
 * before any vouched entry does.
 */
final class KnownPeers {
  private final int max;
  private final RandomGenerator random;
  private final List<PeerAddress> entries = new ArrayList<>();
  private final Map<PeerId, Integer> index = new HashMap<>();
  private final Map<PeerId, Object> namers = new HashMap<>(); // hints only: who named them

  KnownPeers(int max, RandomGenerator random) {
    this.max = max;
    this.random = random;
  }

  /** Adds or refreshes {@code a}, vouched for; returns false for an address nobody can dial. */
  boolean add(PeerAddress a) {
    if (!insert(a)) {
      return false;
    }
    namers.remove(a.peerId());
    return true;
  }

  /**
   * Adds {@code a} as a hint from {@code namer}, unless its id is known already (a stranger must
   * not move a known peer to another address); returns true if it was added.
   */
  boolean addHint(PeerAddress a, Object namer) {
    if (index.containsKey(a.peerId()) || !insert(a)) {
      return false;
    }
    namers.put(a.peerId(), namer);
    return true;
  }

  /** Who named {@code p}, if it is only a hint; null if it is vouched for or unknown. */
  Object namerOf(PeerId p) {
    return namers.get(p);
  }

  /** Unproven hints in the book. */
  int hints() {
    return namers.size();
  }

  /** Forgets every hint {@code namer} gave that is still unproven; returns how many. */
  int forgetHintsOf(Object namer) {
    if (namers.isEmpty()) {
      return 0;
    }
    List<PeerId> named = new ArrayList<>();
    namers.forEach(
        (p, n) -> {
          if (n.equals(namer)) {
            named.add(p);
          }
        });
    named.forEach(this::remove);
    return named.size();
  }

  private boolean insert(PeerAddress a) {
    if (a.port() <= 0 || a.port() > 65_535) {
      return false;
    }
    Integer i = index.get(a.peerId());
    if (i != null) {
      entries.set(i, a); // the newest address wins: peers move
      return true;
    }
    if (entries.size() >= max) {
      remove(victim());
    }
    index.put(a.peerId(), entries.size());
    entries.add(a);
    return true;
  }

  /**
   * The entry that makes room: a random hint if a few tries find one (a stranger's names displace
   * each other before they displace peers vouched for), else a random entry.
   */
  private PeerId victim() {
    for (int tries = 0; tries < 16 && !namers.isEmpty(); tries++) {
      PeerId p = entries.get(random.nextInt(entries.size())).peerId();
      if (namers.containsKey(p)) {
        return p;
      }
    }
    return entries.get(random.nextInt(entries.size())).peerId();
  }

  void remove(PeerId p) {
    Integer i = index.remove(p);
    if (i == null) {
      return;
    }
    namers.remove(p);
    PeerAddress last = entries.remove(entries.size() - 1);
    if (i < entries.size()) {
      entries.set(i, last);
      index.put(last.peerId(), i);
    }
  }

  PeerAddress get(PeerId p) {
    Integer i = index.get(p);
    return i == null ? null : entries.get(i);
  }

  int size() {
    return entries.size();
  }

  /**
   * Up to {@code n} distinct entries that pass {@code eligible}, uniformly at random. A small book
   * is scanned whole; a big one is sampled with rejection (each try is uniform over the book and
   * kept only if eligible, so a kept one is uniform over the eligible), which costs O(n), not
   * O(book), when most entries are eligible, as they are in a big room.
   */
  List<PeerAddress> sample(int n, Predicate<PeerAddress> eligible) {
    List<PeerAddress> out = new ArrayList<>(Math.max(0, n));
    if (n <= 0 || entries.isEmpty()) {
      return out;
    }
    if (entries.size() <= 256) {
      return scan(n, eligible);
    }
    for (int tries = 0; tries < 8 * n + 16 && out.size() < n; tries++) {
      PeerAddress a = entries.get(random.nextInt(entries.size()));
      if (eligible.test(a) && !out.contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Up to {@code n} eligible entries vouched for, uniformly at random. When hints are most of the
   * book, rejection sampling would mostly draw hints, so the book is scanned instead.
   */
  List<PeerAddress> sampleVouched(int n, Predicate<PeerAddress> eligible) {
    if (n <= 0) {
      // a round of a peer whose links are full asks for none: a scan would test the whole book
      // (10,000 peers' rounds at 10,000 peers, session 23) to return nothing
      return new ArrayList<>(0);
    }
    Predicate<PeerAddress> vouched = a -> !namers.containsKey(a.peerId()) && eligible.test(a);
    return namers.size() * 2 < entries.size() ? sample(n, vouched) : scan(n, vouched);
  }

  /** Up to {@code n} of the entries that pass {@code eligible}, uniformly, by one pass over all. */
  private List<PeerAddress> scan(int n, Predicate<PeerAddress> eligible) {
    List<PeerAddress> all = new ArrayList<>();
    for (PeerAddress a : entries) {
      if (eligible.test(a)) {
        all.add(a);
      }
    }
    List<PeerAddress> out = new ArrayList<>(Math.max(0, Math.min(n, all.size())));
    for (int i = 0; i < Math.min(n, all.size()); i++) {
      int j = i + random.nextInt(all.size() - i);
      all.set(j, all.set(i, all.get(j)));
      out.add(all.get(i));
    }
    return out;
  }
}
