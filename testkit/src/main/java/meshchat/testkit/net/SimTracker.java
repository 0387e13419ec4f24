package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The tracker, reduced to what the room needs from it: a membership list. A peer that asks while
 * the tracker is up is registered and told the other members (at most {@code fanout} of them, a
 * seeded random sample, when fanout is set; a real tracker bounds its answers the same way). While
 * it is down, peers find each other only through their peer cache and peer exchange (PeerList).
 * Crashed peers stay listed, as a real tracker keeps them until their lease expires.
 */
public final class SimTracker {
  private final TreeSet<Integer> members = new TreeSet<>();
  private final int fanout;
  private final RandomGenerator random;
  private boolean up = true;

  public SimTracker(int fanout, RandomGenerator random) {
    this.fanout = fanout;
    this.random = random;
  }

  public boolean up() {
    return up;
  }

  public void setUp(boolean up) {
    this.up = up;
  }

  /** Registers {@code peer} and returns other members; empty while the tracker is down. */
  public List<Integer> announce(int peer) {
    if (!up) {
      return List.of();
    }
    members.add(peer);
    List<Integer> others = new ArrayList<>(members);
    others.remove(Integer.valueOf(peer));
    if (fanout <= 0 || others.size() <= fanout) {
      return others;
    }
    List<Integer> sample = new ArrayList<>(fanout);
    for (int i = 0; i < fanout; i++) {
      sample.add(others.remove(random.nextInt(others.size())));
    }
    return sample;
  }
}
