package meshchat.testkit.app;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
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

  /**
   * The most heap in use right after any collection while it watches: what -Xlog:gc shows after
   * each pause, the largest of it. An upper bound on the run's live set at its peak (a young
   * collection leaves the old generation's garbage in place), and what a heap limit (-Xmx) must
   * hold, past which the run ends in back-to-back full collections or an OutOfMemoryError.
   */
  static final class Peak implements NotificationListener, AutoCloseable {
    private final AtomicLong max = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final Set<String> heapPools = new HashSet<>();

    static Peak watch() {
      Peak p = new Peak();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          p.heapPools.add(pool.getName());
        }
      }
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter e) {
          e.addNotificationListener(p, null, null);
          p.emitters.add(e);
        }
      }
      return p;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(e.getKey())) { // not metaspace or the code cache
          used += e.getValue().getUsed();
        }
      }
      max.accumulateAndGet(used, Math::max);
    }

    /** The largest heap in use after a collection, in bytes; 0 if none ran. */
    long bytes() {
      return max.get();
    }

    @Override
    public void close() {
      for (NotificationEmitter e : emitters) {
        try {
          e.removeNotificationListener(this);
        } catch (ListenerNotFoundException ignored) {
          // already gone
        }
      }
      emitters.clear();
    }
  }

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
