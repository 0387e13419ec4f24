package meshchat.testkit.app;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import meshchat.testkit.SimCluster;
import meshchat.testkit.net.SimPeer;
import meshchat.testkit.sim.SimRun;

/**
 * What a finished run holds in the heap: every peer's room, store and membership, the network's
 * state and the checker's logs. Measured as live bytes after a full collection, so it is an
 * estimate (the JVM may keep some garbage) that varies between runs: {@code sim --memory} only.
 */
final class HeapUse {
  private HeapUse() {}

  /** Heap in use after asking for full collections (twice: the first may only queue finalizers). */
  static long liveBytes() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * {@code bytes} (held by the run) in all, per peer, and per link end (each peer's links at the
   * end, summed). The run's state is mostly per peer (store, history, address book) and per link
   * (digest views, broadcast state), so each quotient is an upper bound of that share.
   */
  static Map<String, Object> of(SimRun.Result r, long bytes) {
    int peers = r.cluster().size();
    long linkEnds = 0;
    for (int i = 0; i < peers; i++) {
      var p = r.cluster().peer(i);
      if (p.alive()) {
        linkEnds += p.membership().linkCount();
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("heapBytes", bytes);
    out.put("perPeerBytes", peers == 0 ? 0 : bytes / peers);
    out.put("perLinkEndBytes", linkEnds == 0 ? 0 : bytes / linkEnds);
    return out;
  }

  /**
   * One live peer's own state by part ({@link MemoryParts}, three fields deep): what the run shares
   * (the cluster, the simulated network, tracker, clock and metrics) is left out, and so is
   * whatever a second live peer also reaches (the message and id objects the simulation shares), so
   * the parts are what this peer alone holds. Parts under 0.5% of the total are summed as {@code
   * (other)}. Null when fewer than two peers are alive.
   */
  static Map<String, Object> parts(SimRun.Result r) {
    SimCluster cluster = r.cluster();
    SimPeer peer = null;
    SimPeer other = null;
    for (int i = 0; i < cluster.size() && other == null; i++) {
      SimPeer p = cluster.peer(i);
      if (p.alive()) {
        if (peer == null) {
          peer = p;
        } else {
          other = p;
        }
      }
    }
    if (other == null) {
      return null;
    }
    Set<Object> run = Collections.newSetFromMap(new IdentityHashMap<>());
    run.add(cluster);
    for (Object o : fieldValues(cluster)) {
      run.add(o);
      if (o != null && o.getClass().isRecord()) {
        run.addAll(fieldValues(o));
      }
    }
    SimPeer[] walking = new SimPeer[1];
    MemoryParts m =
        new MemoryParts(3, o -> run.contains(o) || (o instanceof SimPeer && o != walking[0]));
    walking[0] = other;
    m.exclude(other);
    walking[0] = peer;
    m.charge(peer);
    long total = m.total();
    Map<String, Object> byPart = new LinkedHashMap<>();
    long rest = 0;
    for (Map.Entry<String, Long> e : m.parts().entrySet()) {
      if (e.getValue() * 200 >= total) {
        byPart.put(e.getKey(), e.getValue());
      } else {
        rest += e.getValue();
      }
    }
    if (rest > 0) {
      byPart.put("(other)", rest);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("peer", peer.name());
    out.put("bytes", total);
    out.put("byPart", byPart);
    return out;
  }

  /** The values of {@code o}'s own instance fields, for a class of this program. */
  private static java.util.List<Object> fieldValues(Object o) {
    java.util.List<Object> out = new java.util.ArrayList<>();
    for (Field f : o.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
        continue;
      }
      try {
        f.setAccessible(true);
        out.add(f.get(o));
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not readable: not marked
      }
    }
    return out;
  }
}
