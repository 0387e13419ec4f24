package meshchat.tracker.directory;

import java.time.Duration;

/** The directory's bounds; each refusal names the one that was hit. */
public record Limits(
    int maxRooms, int maxPeersPerRoom, int maxRegistrationsPerSession, Duration ttl) {
  public Limits {
    if (maxRooms < 1 || maxPeersPerRoom < 1 || maxRegistrationsPerSession < 1) {
      throw new IllegalArgumentException("limits must be positive: " + this);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
  }
}
