package meshchat.peer.limit;

import java.util.HashMap;
import java.util.Map;

/**
 * Who may start a private room's J-PAKE round on a peer's pairing pool (session 31): at most {@code
 * max} rounds waiting or running at once, and at most {@code share} of them from one network (the
 * runtime's {@code NetGroup} of the other end: a public IPv4 /16 or IPv6 /32; an address not routed
 * on the internet is its own). Before, the 32 places were first come, first served, so one
 * stranger's flood of connects from one network held them all and an honest member pairing at that
 * moment was refused "busy pairing". Now a network holds at most a quarter, so a newcomer from
 * another network finds a place unless four or more networks flood at once (the same residue as the
 * link slots', docs/security.md "Link slots and throwaway keys").
 *
 * <p>Holds an entry only for networks with a round in progress: at most {@code max} entries. Not
 * thread-safe: the runtime takes it under a lock.
 */
public final class PairingShares {
  private final int max;
  private final int share;
  private final Map<String, Integer> held = new HashMap<>();
  private int total;

  /** {@code max} in all, {@code share} per network (both at least 1). */
  public PairingShares(int max, int share) {
    if (max < 1 || share < 1) {
      throw new IllegalArgumentException("max and share must be positive: " + max + ", " + share);
    }
    this.max = max;
    this.share = Math.min(share, max);
  }

  /** A quarter of {@code max}, at least one: what one network may hold. */
  public static int shareOf(int max) {
    return Math.max(1, max / 4);
  }

  /** Takes a place for a round from {@code network}; false (nothing taken) if none is free. */
  public boolean take(String network) {
    if (total >= max) {
      return false;
    }
    int n = held.getOrDefault(network, 0);
    if (n >= share) {
      return false;
    }
    held.put(network, n + 1);
    total++;
    return true;
  }

  /** Gives back a place {@link #take} gave {@code network}. */
  public void release(String network) {
    Integer n = held.get(network);
    if (n == null) {
      throw new IllegalStateException("no round of " + network + " in progress");
    }
    if (n == 1) {
      held.remove(network);
    } else {
      held.put(network, n - 1);
    }
    total--;
  }

  /** Rounds in progress from {@code network}. */
  public int held(String network) {
    return held.getOrDefault(network, 0);
  }

  /** Rounds in progress in all. */
  public int total() {
    return total;
  }

  /** Networks with a round in progress. */
  public int networks() {
    return held.size();
  }

  public int share() {
    return share;
  }

  public int max() {
    return max;
  }
}
