package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.PeerId;

/** Every simulated peer by index and by id: the core speaks in ids, the network in indexes. */
public final class PeerDirectory {
  private final List<SimPeer> peers = new ArrayList<>();
  private final Map<PeerId, Integer> byId = new HashMap<>();

  public void add(SimPeer p) {
    if (p.index() != peers.size()) {
      throw new IllegalStateException("peers must be added in index order");
    }
    peers.add(p);
    byId.put(p.id(), p.index());
  }

  public SimPeer get(int index) {
    return peers.get(index);
  }

  public int indexOf(PeerId id) {
    Integer i = byId.get(id);
    if (i == null) {
      throw new IllegalArgumentException("unknown peer " + id);
    }
    return i;
  }

  public int size() {
    return peers.size();
  }

  public List<SimPeer> all() {
    return peers;
  }
}
