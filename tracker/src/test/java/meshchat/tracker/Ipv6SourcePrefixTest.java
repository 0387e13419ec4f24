package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * Every per-address bound of the tracker (sessions, members of a room, rooms, lookups per second)
 * counts one source IPv4 address or one IPv6 /64 (rev28 F3: it counted one exact address). A
 * tracker started with its defaults (bind 0.0.0.0) accepts IPv6 sessions, and any IPv6 host is
 * given a /64 or more: 2^64 source addresses, so one host met none of those bounds.
 */
class Ipv6SourcePrefixTest {
  @Test
  void aTrackerOnItsDefaultBindAddressAcceptsIpv6Sessions() throws Exception {
    try (TrackerServer server =
            TrackerServer.start(
                TrackerConfig.defaults()
                    .with(
                        d -> {
                          d.port = 0;
                          d.requireKeyProof = false;
                        }));
        RawClient c =
            new RawClient(
                new InetSocketAddress(
                    InetAddress.getByName("::1"), server.localAddress().getPort()))) {
      c.send(RawClient.register(1, "lobby", "v6", 4001));
      assertThat(c.read().hasRegistered()).isTrue();
    }
  }

  @Test
  void oneHostsSlash64IsOneAddressForTheRoomsItIsIn() {
    Directory d = directory();
    int accepted = 0;
    for (int i = 1; i <= Limits.DEFAULT_ROOMS_PER_ADDRESS + 1; i++) {
      String from = "2001:db8:0:1:" + Integer.toHexString(i) + "::1";
      Member m =
          new Member(
              PeerId.of(("fake" + i).getBytes(StandardCharsets.UTF_8)), "fake" + i, from, 7000);
      if (d.register(new SessionId(i), "room" + i, m, from) instanceof RegisterOutcome.Accepted) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(Limits.DEFAULT_ROOMS_PER_ADDRESS);
    // another /64 is another source
    Member other =
        new Member(PeerId.of("other".getBytes(StandardCharsets.UTF_8)), "other", "x", 7000);
    assertThat(d.register(new SessionId(999), "elsewhere", other, "2001:db8:0:2::1"))
        .isInstanceOf(RegisterOutcome.Accepted.class);
  }

  @Test
  void oneHostsSlash64IsOneAddressForTheMembersOfARoom() {
    Directory d = directory();
    int accepted = 0;
    // 17 members of "lobby" from 17 addresses of one /64 (one host's allocation); the bound is
    // Limits.DEFAULT_PER_ADDRESS_PER_ROOM = 16 members of a room per source
    for (int i = 1; i <= 17; i++) {
      String from = "2001:db8:0:1::" + Integer.toHexString(i);
      Member m =
          new Member(
              PeerId.of(("fake" + i).getBytes(StandardCharsets.UTF_8)), "fake" + i, from, 7000);
      if (d.register(new SessionId(i), "lobby", m, from) instanceof RegisterOutcome.Accepted) {
        accepted++;
      }
    }
    assertThat(accepted)
        .as(
            "members of one room registered from one /64 (bound: %d per source)",
            Limits.DEFAULT_PER_ADDRESS_PER_ROOM)
        .isLessThanOrEqualTo(Limits.DEFAULT_PER_ADDRESS_PER_ROOM);
  }

  private static Directory directory() {
    return new Directory(
        Clock.systemUTC(),
        new Limits(10_000, 1_000, 64, Duration.ofSeconds(15)),
        new SplittableRandom(1));
  }
}
