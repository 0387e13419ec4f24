package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage;
import meshchat.testkit.time.EventQueue;

/**
 * Links between simulated peers. A link is a pair of directed channels; each message arrives after
 * a delay drawn from the link's {@link LinkFaults}, in FIFO order per direction (as TCP gives)
 * unless a reorder fault picks it. A link comes up one delay after a dial (the Hello exchange) if
 * both ends are alive and on the same side of any partition; it goes down on a reset, a partition,
 * a crash or a Close, and every message in flight on it is lost with it.
 */
public final class SimNetwork {
  /** What the network needs from a peer. */
  public interface Endpoint {
    boolean alive();

    /** Connection {@code connection} to {@code other} finished its handshake. */
    void linkUp(int other, long connection, boolean dialedByUs);

    /** The link went down; {@code received} is the Close the other end sent, if it sent one. */
    void linkDown(int other, long connection, LinkMessage.Close received);

    void receive(int from, LinkMessage message);

    /** A dial this peer made to {@code other} settled: linked, refused or unreachable. */
    void dialEnded(int other);
  }

  private static final class Link {
    final long id;
    final int dialer;
    final int a;
    final int b;
    boolean up;
    boolean broken; // a loss happened; the reset that notices it is scheduled
    final long[] lastArrival = new long[2]; // per direction: a->b, b->a

    Link(long id, int dialer, int other) {
      this.id = id;
      this.dialer = dialer;
      this.a = Math.min(dialer, other);
      this.b = Math.max(dialer, other);
    }
  }

  private final EventQueue queue;
  private final RandomGenerator random;
  private final IntFunction<Endpoint> peers;
  private final List<TreeMap<Integer, Link>> adjacency = new ArrayList<>();
  private final Map<Long, LinkFaults> perLink = new HashMap<>();
  private LinkFaults faults;
  private int[] group = new int[0]; // partition group per peer; all equal when healed
  private final NetworkStats stats = new NetworkStats();
  private long connections;

  public SimNetwork(
      EventQueue queue, RandomGenerator random, LinkFaults faults, IntFunction<Endpoint> peers) {
    this.queue = queue;
    this.random = random;
    this.faults = faults;
    this.peers = peers;
  }

  public NetworkStats stats() {
    return stats;
  }

  public void addPeer() {
    adjacency.add(new TreeMap<>());
    group = Arrays.copyOf(group, adjacency.size());
  }

  public void setFaults(LinkFaults f) {
    this.faults = f;
  }

  /** Faults for the link between {@code a} and {@code b} only, both directions. */
  public void setLinkFaults(int a, int b, LinkFaults f) {
    perLink.put(key(a, b), f);
  }

  public boolean linked(int a, int b) {
    Link l = adjacency.get(a).get(b);
    return l != null && l.up;
  }

  /**
   * Starts a link unless one exists or is being set up; it comes up one delay later. Either way
   * {@code a} hears {@link Endpoint#dialEnded} once it is settled (a refused or unreachable dial
   * takes a link delay to fail, as a connect would).
   */
  public void dial(int a, int b) {
    if (a == b || adjacency.get(a).containsKey(b) || !reachable(a, b)) {
      queue.after(faultsFor(a, b).delay().sample(random), () -> dialEnded(a, b));
      return;
    }
    Link l = new Link(++connections, a, b);
    adjacency.get(a).put(b, l);
    adjacency.get(b).put(a, l);
    stats.dials++;
    queue.after(
        faultsFor(a, b).delay().sample(random),
        () -> {
          if (adjacency.get(a).get(b) != l) {
            dialEnded(a, b); // reset while the handshake was in flight
            return;
          }
          if (!reachable(a, b)) {
            remove(l);
            dialEnded(a, b);
            return;
          }
          l.up = true;
          stats.countHellos();
          peers.apply(l.a).linkUp(l.b, l.id, l.dialer == l.a);
          if (l.up) {
            peers.apply(l.b).linkUp(l.a, l.id, l.dialer == l.b);
          }
          dialEnded(a, b);
        });
  }

  private void dialEnded(int a, int b) {
    Endpoint e = peers.apply(a);
    if (e.alive()) {
      e.dialEnded(b);
    }
  }

  /**
   * {@code peer} closes its connection {@code connection} with {@code reason}: the other end hears
   * the reason (its Close frame), and anything in flight is lost.
   */
  public void close(int peer, long connection, LinkMessage.Close reason) {
    for (Link l : adjacency.get(peer).values()) {
      if (l.id == connection) {
        remove(l, peer, reason);
        return;
      }
    }
  }

  /** {@code a} closes its link to {@code b} with {@code reason}. */
  public void close(int a, int b, LinkMessage.Close reason) {
    Link l = adjacency.get(a).get(b);
    if (l != null) {
      remove(l, a, reason);
    }
  }

  /** Puts {@code message} on the link from {@code from} to {@code to}, with this link's faults. */
  public void send(int from, int to, LinkMessage message) {
    Link l = adjacency.get(from).get(to);
    if (l == null || !l.up) {
      return; // the core raced a linkDown; a real link would refuse the write too
    }
    stats.count(message);
    LinkFaults f = faultsFor(from, to);
    if (f.loss() > 0 && random.nextDouble() < f.loss()) {
      stats.lost++;
      if (!l.broken) {
        l.broken = true;
        queue.after(
            random.nextLong(f.detectMs() + 1),
            () -> {
              if (adjacency.get(l.a).get(l.b) == l) {
                stats.resets++;
                remove(l);
              }
            });
      }
      return;
    }
    long delay = f.delay().sample(random);
    int dir = from == l.a ? 0 : 1;
    long arrival = queue.now() + delay;
    if (f.reorder() > 0 && random.nextDouble() < f.reorder()) {
      stats.reordered++;
      arrival += random.nextLong(2 * delay + 2);
    } else {
      arrival = Math.max(arrival, l.lastArrival[dir]);
      l.lastArrival[dir] = arrival;
    }
    arrive(l, from, to, message, arrival);
    if (f.duplicate() > 0 && random.nextDouble() < f.duplicate()) {
      stats.duplicated++;
      arrive(l, from, to, message, arrival + f.delay().sample(random));
    }
  }

  private void arrive(Link l, int from, int to, LinkMessage message, long at) {
    stats.inFlight(message, +1);
    queue.at(
        at,
        () -> {
          stats.inFlight(message, -1);
          if (adjacency.get(to).get(from) == l && l.up) {
            peers.apply(to).receive(from, message);
          }
        });
  }

  /** Takes the link down: both live ends see linkDown; messages in flight on it are lost. */
  public void reset(int a, int b) {
    Link l = adjacency.get(a).get(b);
    if (l != null) {
      remove(l);
    }
  }

  /** Drops every link of {@code peer} (it crashed); the other ends see linkDown. */
  public void dropAll(int peer) {
    for (Link l : List.copyOf(adjacency.get(peer).values())) {
      remove(l);
    }
  }

  /**
   * Splits peers into {@code groups}; peers in no group form one more group. Links across groups go
   * down at once (a real peer notices later, by idle timeout; messages sent meanwhile are lost
   * either way).
   */
  public void partition(List<Set<Integer>> groups) {
    Arrays.fill(group, groups.size());
    for (int g = 0; g < groups.size(); g++) {
      for (int p : groups.get(g)) {
        group[p] = g;
      }
    }
    for (int p = 0; p < adjacency.size(); p++) {
      for (Link l : List.copyOf(adjacency.get(p).values())) {
        if (group[l.a] != group[l.b]) {
          remove(l);
        }
      }
    }
  }

  public void heal() {
    Arrays.fill(group, 0);
  }

  public List<Integer> linksOf(int peer) {
    List<Integer> out = new ArrayList<>();
    adjacency
        .get(peer)
        .forEach(
            (other, l) -> {
              if (l.up) {
                out.add(other);
              }
            });
    return out;
  }

  private void remove(Link l) {
    remove(l, -1, null);
  }

  private void remove(Link l, int closer, LinkMessage.Close reason) {
    if (adjacency.get(l.a).get(l.b) != l) {
      return;
    }
    adjacency.get(l.a).remove(l.b);
    adjacency.get(l.b).remove(l.a);
    if (l.up) {
      l.up = false;
      stats.linkDowns++;
      for (int[] end : new int[][] {{l.a, l.b}, {l.b, l.a}}) {
        Endpoint e = peers.apply(end[0]);
        if (e.alive()) {
          e.linkDown(end[1], l.id, end[1] == closer ? reason : null);
        }
      }
    }
  }

  private boolean reachable(int a, int b) {
    return peers.apply(a).alive() && peers.apply(b).alive() && group[a] == group[b];
  }

  private LinkFaults faultsFor(int a, int b) {
    LinkFaults f = perLink.get(key(a, b));
    return f != null ? f : faults;
  }

  private static long key(int a, int b) {
    return ((long) Math.min(a, b) << 32) | Math.max(a, b);
  }
}
