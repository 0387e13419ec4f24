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
 * rev30 FINDING-8. What is wrong: the tracker's per-source bounds count an IPv6 /64 as one source
 * (rev28 F3) and nothing coarser, while a room holds at most 1,000 members (ROOM_FULL past it). Any
 * IPv6 host is routinely given a /56 (256 /64s) or a /48 (65,536): 63 of its /64s, 16 signed
 * throwaway keys each (keys cost nothing), fill a room, and from then on every honest newcomer's
 * Register is refused ROOM_FULL: it is never listed, so nobody dials it; and every Lookup answer
 * (32 drawn from the 1,000) names almost only the stranger's keys, so the newcomer finds nobody
 * either. One host locks every honest peer out of the room at the tracker, for as long as it
 * heartbeats. (The accepted gap "~32 IPv6 /48 sources can fill accepted links" is about link slots;
 * this is the tracker's room, filled from ONE /48, in fact from one /56.)
 *
 * <p>Correct behaviour: one /56 (or /48) cannot hold a whole room: a coarser per-prefix bound on a
 * room's members (say 64 per /48), or a full room makes room for a newcomer from a source holding
 * fewer members by dropping the most represented source's youngest registration, as the link slots
 * do (LinkSharesTest).
 */
class RoomFullFromOneIpv6PrefixTest {
  @Test
  void oneSlash56CannotFillARoomAgainstAnHonestNewcomer() {
    Directory d =
        new Directory(
            Clock.systemUTC(),
            new Limits(10_000, 1_000, 64, Duration.ofSeconds(15)),
            new SplittableRandom(1));
    int accepted = 0;
    int session = 1;
    for (int net = 1; net <= 256 && accepted < 1_000; net++) {
      // 2001:db8:0:NN00::/56 holds the /64s 2001:db8:0:NN01:: .. NNff::; one /56: 2001:db8:0:1X::
      String prefix = "2001:db8:0:" + Integer.toHexString(0x100 + net) + ":";
      for (int k = 1; k <= Limits.DEFAULT_PER_ADDRESS_PER_ROOM; k++) {
        String from = prefix + ":" + Integer.toHexString(k);
        String nick = "fake" + session;
        Member m = new Member(PeerId.of(nick.getBytes(StandardCharsets.UTF_8)), nick, from, 7000);
        if (d.register(new SessionId(session++), "lobby", m, from)
            instanceof RegisterOutcome.Accepted) {
          accepted++;
        }
      }
    }
    assertThat(accepted)
        .as("the stranger's members, all from 2001:db8:0:100::/56")
        .isEqualTo(1_000);

    Member honest =
        new Member(PeerId.of("alice".getBytes(StandardCharsets.UTF_8)), "alice", "192.0.2.7", 7000);
    RegisterOutcome alice = d.register(new SessionId(1_000_000), "lobby", honest, "192.0.2.7");
    assertThat(alice)
        .as("an honest newcomer from an address of its own")
        .isInstanceOf(RegisterOutcome.Accepted.class);
  }
}
