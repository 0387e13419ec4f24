package meshchat.peer.message;

import java.util.Comparator;

/**
 * A point in the canonical total order: Lamport time, ties broken by origin peer id (Lamport 1978,
 * "Time, Clocks, and the Ordering of Events", the relation ⇒). Two distinct messages never share a
 * timestamp, because one origin never stamps two messages with the same time.
 */
public record LamportTimestamp(long time, PeerId origin) implements Comparable<LamportTimestamp> {
  private static final Comparator<LamportTimestamp> ORDER =
      Comparator.comparingLong(LamportTimestamp::time).thenComparing(LamportTimestamp::origin);

  @Override
  public int compareTo(LamportTimestamp o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return time + "@" + origin.shortHex();
  }
}
