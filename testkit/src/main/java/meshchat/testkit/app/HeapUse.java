package meshchat.testkit.app;

import java.util.LinkedHashMap;
import java.util.Map;
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
}
