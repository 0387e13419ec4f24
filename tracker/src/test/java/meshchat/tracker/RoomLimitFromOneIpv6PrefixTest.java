package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.directory.Limits;
import meshchat.tracker.directory.Member;
import meshchat.tracker.directory.RegisterOutcome;
import meshchat.tracker.directory.SessionId;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-10. What is wrong: the tracker holds at most 10,000 rooms, and one source (an IPv4
 * address or IPv6 /64) may be in at most 256 of them. 40 /64s of one /56 (a home line's prefix)
 * therefore create every room the tracker will hold, with throwaway keys and names nobody uses, and
 * from then on nobody can start a new room at that tracker: a Register for any room that does not
 * exist yet is refused ROOM_LIMIT, for as long as the stranger heartbeats.
 *
 * <p>Correct behaviour: one /56 (or /48) cannot hold the tracker's rooms: a per-/48 bound on rooms
 * well under the total, or a full directory that drops the most represented prefix's youngest
 * registration for a newcomer from another.
 */
class RoomLimitFromOneIpv6PrefixTest {
  @Test
  void oneSlash56CannotTakeEveryRoomOfTheTracker() {
    Directory d =
        new Directory(
            Clock.systemUTC(),
            new Limits(10_000, 1_000, 64, Duration.ofSeconds(15)),
            new SplittableRandom(1));
    int rooms = 0;
    int session = 1;
    for (int net = 1; net <= 255 && rooms < 10_000; net++) {
      String from = "2001:db8:0:" + Integer.toHexString(0x100 + net) + "::1";
      for (int r = 0; r < Limits.DEFAULT_ROOMS_PER_ADDRESS; r++) {
        String nick = "fake" + session;
        Member m = new Member(PeerId.of(nick.getBytes(StandardCharsets.UTF_8)), nick, from, 7000);
        if (d.register(new SessionId(session++), "junk-" + net + "-" + r, m, from)
            instanceof RegisterOutcome.Accepted) {
          rooms++;
        }
      }
    }
    assertThat(rooms).as("rooms the stranger's /56 holds").isEqualTo(10_000);

    Member alice =
        new Member(PeerId.of("alice".getBytes(StandardCharsets.UTF_8)), "alice", "192.0.2.7", 7000);
    assertThat(d.register(new SessionId(1_000_000), "team-chat", alice, "192.0.2.7"))
        .as("an honest peer starting its room, from an address of its own")
        .isInstanceOf(RegisterOutcome.Accepted.class);
  }
}
