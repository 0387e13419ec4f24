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
 */
final class KnownPeers {
  private final int max;
  private final RandomGenerator random;
  private final List<PeerAddress> entries = new ArrayList<>();
  private final Map<PeerId, Integer> index = new HashMap<>();

  KnownPeers(int max, RandomGenerator random) {
    this.max = max;
    this.random = random;
  }

  /** Adds or refreshes {@code a}; returns false for an address nobody can dial. */
  boolean add(PeerAddress a) {
    if (a.port() <= 0 || a.port() > 65_535) {
      return false;
    }
    Integer i = index.get(a.peerId());
    if (i != null) {
      entries.set(i, a); // the newest address wins: peers move
      return true;
    }
    if (entries.size() >= max) {
      remove(entries.get(random.nextInt(entries.size())).peerId());
    }
    index.put(a.peerId(), entries.size());
    entries.add(a);
    return true;
  }

  void remove(PeerId p) {
    Integer i = index.remove(p);
    if (i == null) {
      return;
    }
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
      List<PeerAddress> all = new ArrayList<>();
      for (PeerAddress a : entries) {
        if (eligible.test(a)) {
          all.add(a);
        }
      }
      for (int i = 0; i < Math.min(n, all.size()); i++) {
        int j = i + random.nextInt(all.size() - i);
        all.set(j, all.set(i, all.get(j)));
        out.add(all.get(i));
      }
      return out;
    }
    for (int tries = 0; tries < 8 * n + 16 && out.size() < n; tries++) {
      PeerAddress a = entries.get(random.nextInt(entries.size()));
      if (eligible.test(a) && !out.contains(a)) {
        out.add(a);
      }
    }
    return out;
  }
}
