package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import meshchat.peer.message.PeerId;

/**
 * Every simulated peer by index and by id: the core speaks in ids, the network in indexes.
 *
 * <p>Every message a room sends is addressed by id and looked up here, millions of times a run: a
 * {@code HashMap<PeerId, Integer>} of 1,000 peers was 5% of a 1,000-peer run (its node and boxed
 * index behind each bucket). This is an open-addressing table of the ids' cached hashes and their
 * indexes in two int arrays, at most a quarter full, checked by identity first (every peer's id is
 * one instance, which the rooms pass around).
 */
public final class PeerDirectory {
  private final List<SimPeer> peers = new ArrayList<>();
  private PeerId[] ids = new PeerId[16]; // by index: a sender's id per arrival, from one array
  private PeerId[] keys = new PeerId[64];
  private int[] hashes = new int[64];
  private int[] indexes = new int[64];

  public void add(SimPeer p) {
    if (p.index() != peers.size()) {
      throw new IllegalStateException("peers must be added in index order");
    }
    if ((peers.size() + 1) * 4 > keys.length) {
      rehash(keys.length * 2);
    }
    peers.add(p);
    if (p.index() == ids.length) {
      ids = Arrays.copyOf(ids, 2 * ids.length);
    }
    ids[p.index()] = p.id();
    put(p.id(), p.index());
  }

  public SimPeer get(int index) {
    return peers.get(index);
  }

  /** Peer {@code index}'s id, without reading its {@link SimPeer}. */
  public PeerId idAt(int index) {
    Objects.checkIndex(index, peers.size());
    return ids[index];
  }

  public int indexOf(PeerId id) {
    int h = id.hashCode();
    int mask = keys.length - 1;
    for (int i = mix(h) & mask; keys[i] != null; i = (i + 1) & mask) {
      if (keys[i] == id || (hashes[i] == h && keys[i].equals(id))) {
        return indexes[i];
      }
    }
    throw new IllegalArgumentException("unknown peer " + id);
  }

  public int size() {
    return peers.size();
  }

  public List<SimPeer> all() {
    return peers;
  }

  private void put(PeerId id, int index) {
    int mask = keys.length - 1;
    int i = mix(id.hashCode()) & mask;
    while (keys[i] != null && !keys[i].equals(id)) {
      i = (i + 1) & mask;
    }
    keys[i] = id;
    hashes[i] = id.hashCode();
    indexes[i] = index;
  }

  private void rehash(int capacity) {
    keys = new PeerId[capacity];
    hashes = new int[capacity];
    indexes = new int[capacity];
    for (SimPeer p : peers) {
      put(p.id(), p.index());
    }
  }

  private static int mix(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
