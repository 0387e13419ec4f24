package meshchat.tracker.directory;

/** A change of a room's membership, to be pushed to the room's other members. */
public sealed interface RoomEvent {
  String room();

  Member member();

  /** The session that owns (or owned) the registration. */
  SessionId session();

  /** {@code member} registered, or re-registered with new details. */
  record Joined(String room, Member member, SessionId session) implements RoomEvent {}

  record Left(String room, Member member, SessionId session, LeaveReason reason)
      implements RoomEvent {}

  enum LeaveReason {
    /** The session unregistered. */
    LEFT,
    /** The session closed. */
    CLOSED,
    /** No heartbeat within the TTL. */
    EXPIRED,
    /**
     * Dropped from a full room to make room for a newcomer from a less represented network ({@link
     * PrefixShares}); its owner is told too.
     */
    EVICTED
  }
}
