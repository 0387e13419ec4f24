package meshchat.tracker.directory;

import java.time.Duration;

/**
 * The directory's bounds; each refusal names the one that was hit.
 *
 * @param maxRegistrationsPerAddressPerRoom most members of one room registered from one source
 *     address: keys are free, so without it a few addresses fill any room with fakes
 * @param maxRoomsPerAddress most rooms one source address holds registrations in (it creates a room
 *     by registering in it): one address cannot take every room slot
 * @param maxRoomsPerKey most rooms one peer id (one key) is registered in at once
 */
public record Limits(
    int maxRooms,
    int maxPeersPerRoom,
    int maxRegistrationsPerSession,
    Duration ttl,
    int maxRegistrationsPerAddressPerRoom,
    int maxRoomsPerAddress,
    int maxRoomsPerKey) {
  public Limits {
    if (maxRooms < 1
        || maxPeersPerRoom < 1
        || maxRegistrationsPerSession < 1
        || maxRegistrationsPerAddressPerRoom < 1
        || maxRoomsPerAddress < 1
        || maxRoomsPerKey < 1) {
      throw new IllegalArgumentException("limits must be positive: " + this);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
  }

  /** The first four bounds, with the per-address and per-key ones at their defaults. */
  public Limits(int maxRooms, int maxPeersPerRoom, int maxRegistrationsPerSession, Duration ttl) {
    this(
        maxRooms,
        maxPeersPerRoom,
        maxRegistrationsPerSession,
        ttl,
        DEFAULT_PER_ADDRESS_PER_ROOM,
        DEFAULT_ROOMS_PER_ADDRESS,
        DEFAULT_ROOMS_PER_KEY);
  }

  /** A household or office behind one NAT: a handful of members of one room. */
  public static final int DEFAULT_PER_ADDRESS_PER_ROOM = 16;

  public static final int DEFAULT_ROOMS_PER_ADDRESS = 256;

  public static final int DEFAULT_ROOMS_PER_KEY = 64;
}
