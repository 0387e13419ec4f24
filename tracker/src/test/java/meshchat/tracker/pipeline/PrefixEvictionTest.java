package meshchat.tracker.pipeline;

import static meshchat.tracker.pipeline.RemoteChannels.from;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.directory.Limits;
import meshchat.tracker.directory.Member;
import meshchat.tracker.directory.RegisterOutcome;
import meshchat.tracker.directory.RoomEvent;
import meshchat.tracker.directory.SessionId;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-8/9: who is told when a full room or a full tracker makes room for a newcomer from
 * a less represented network, and that clients of one network (loopback, the test harness) never
 * evict each other.
 */
class PrefixEvictionTest {
  static Member member(String name, String host) {
    return new Member(PeerId.of(name.getBytes(StandardCharsets.UTF_8)), name, host, 7000);
  }

  @Test
  void anEvictedRegistrationIsToldAndItsRoomToo() {
    Directory d = new Directory(Clock.systemUTC(), new Limits(10, 3, 8, Duration.ofSeconds(15)));
    for (int i = 1; i <= 3; i++) {
      String from = "2001:db8:0:" + i + "::1";
      assertThat(d.register(new SessionId(i), "lobby", member("fake" + i, from), from))
          .isInstanceOf(RegisterOutcome.Accepted.class);
    }
    RegisterOutcome alice =
        d.register(new SessionId(9), "lobby", member("alice", "192.0.2.7"), "192.0.2.7");
    RegisterOutcome.Accepted ok = (RegisterOutcome.Accepted) alice;
    RoomEvent.Left left = (RoomEvent.Left) ok.evicted().get(0).event();
    assertThat(left.reason()).isEqualTo(RoomEvent.LeaveReason.EVICTED);
    assertThat(left.session()).as("the youngest of the /48").isEqualTo(new SessionId(3));
    assertThat(ok.evicted().get(0).recipients())
        .as("the room's others and the owner")
        .containsExactlyInAnyOrder(new SessionId(1), new SessionId(2), new SessionId(3));
    assertThat(d.roomsOf(new SessionId(3))).isEmpty();
    assertThat(Frames.push(left).getMemberLeft().getReason().getNumber()).isEqualTo(4);

    // the evicted one registering again is refused: its network is not less represented
    String back = "2001:db8:0:3::1";
    RegisterOutcome again = d.register(new SessionId(3), "lobby", member("fake3", back), back);
    assertThat(again).isInstanceOf(RegisterOutcome.Refused.class);
    assertThat(((RegisterOutcome.Refused) again).reason())
        .isEqualTo(RegisterOutcome.Refusal.ROOM_FULL);
  }

  @Test
  void clientsOfOneNetworkNeverEvictEachOther() {
    Directory d = new Directory(Clock.systemUTC(), new Limits(10, 3, 8, Duration.ofSeconds(15)));
    for (int i = 1; i <= 3; i++) {
      d.register(new SessionId(i), "lobby", member("p" + i, "127.0.0.1"), "127.0.0." + i);
    }
    RegisterOutcome fourth =
        d.register(new SessionId(4), "lobby", member("p4", "127.0.0.1"), "127.0.0.4");
    assertThat(((RegisterOutcome.Refused) fourth).reason())
        .isEqualTo(RegisterOutcome.Refusal.ROOM_FULL);
  }

  @Test
  void anEvictedSessionGetsAFatalAddressLimitAndIsClosed() {
    TrackerHub hub =
        new TrackerHub(
            new Directory(Clock.systemUTC(), new Limits(10, 100, 8, Duration.ofSeconds(15))),
            20_000,
            60_000,
            4,
            256,
            false,
            Clock.systemUTC());
    List<EmbeddedChannel> open = new ArrayList<>();
    List<SessionId> ids = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      EmbeddedChannel ch = from("2001:db8:0:" + i + "::1");
      open.add(ch);
      ids.add(hub.open(ch));
    }
    assertThat(hub.open(from("2001:db8:0:9::1"))).as("the same /48").isNull();
    assertThat(hub.whyRefused()).contains("too many sessions at this tracker");

    EmbeddedChannel alice = from("192.0.2.7");
    assertThat(hub.open(alice)).isNotNull();
    EmbeddedChannel youngest = open.get(3);
    youngest.runPendingTasks();
    TrackerFrame told = youngest.readOutbound();
    assertThat(told.getError().getCode()).isEqualTo(Code.ADDRESS_LIMIT);
    assertThat(told.getError().getFatal()).isTrue();
    assertThat(told.getError().getMessage()).startsWith(TrackerHub.EVICTED);
    assertThat(youngest.isOpen()).isFalse();
    assertThat(open.get(0).isOpen()).isTrue();
    assertThat(hub.channels()).hasSize(4).contains(alice).doesNotContain(youngest);
    hub.close(ids.get(3)); // the channel's own close: nothing more to undo
    assertThat(hub.channels()).hasSize(4);
    open.forEach(EmbeddedChannel::finishAndReleaseAll);
  }
}
