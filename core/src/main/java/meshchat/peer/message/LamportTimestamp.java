package meshchat.peer.message;

/**
 * A point in the canonical total order: Lamport time, ties broken by origin peer id (Lamport 1978,
 * "Time, Clocks, and the Ordering of Events", the relation ⇒). Two distinct messages never share a
 * timestamp, because one origin never stamps two messages with the same time.
 */
public record LamportTimestamp(long time, PeerId origin) implements Comparable<LamportTimestamp> {
  /**
   * By time, then by origin; written out, not a comparator chain: the room asks it per line shown.
   */
  @Override
  public int compareTo(LamportTimestamp o) {
    int c = Long.compare(time, o.time);
    return c != 0 ? c : origin.compareTo(o.origin);
  }

  @Override
  public String toString() {
    return time + "@" + origin.shortHex();
  }
}
