package meshchat.tracker.directory;

import java.util.List;
import java.util.Optional;

/** What {@link Directory#register} decided. */
public sealed interface RegisterOutcome {

  /**
   * The registration holds. {@code others} is the room without the registrant; {@code change} is
   * empty for an unchanged refresh; {@code evicted} are the registrations dropped to make room for
   * it ({@link RoomEvent.LeaveReason#EVICTED}): one of a full room, or every member of the room a
   * full room table dropped.
   */
  record Accepted(Member you, List<Member> others, Optional<Change> change, List<Change> evicted)
      implements RegisterOutcome {
    public Accepted(Member you, List<Member> others, Optional<Change> change) {
      this(you, others, change, List.of());
    }
  }

  record Refused(Refusal reason, String message) implements RegisterOutcome {}

  enum Refusal {
    /** Another live session holds this peer id in this room. */
    PEER_ID_IN_USE,
    /** This session is already in the room under another peer id. */
    ALREADY_REGISTERED,
    ROOM_LIMIT,
    ROOM_FULL,
    SESSION_LIMIT,
    /** The source address holds its maximum of members in this room, or of rooms. */
    ADDRESS_LIMIT,
    /** This peer id is registered in its maximum of rooms. */
    KEY_LIMIT
  }
}
