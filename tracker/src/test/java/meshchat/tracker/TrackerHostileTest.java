package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.Lookup;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.directory.Limits;
import meshchat.tracker.directory.RegisterOutcome.Refusal;
import meshchat.tracker.pipeline.TrackerCounters.Throttle;
import meshchat.wire.Framing;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * One outsider against a real tracker on loopback, with the attacks that used to fill it: made-up
 * keys from one address filling a room or every room, a lookup flood that is never read, and bytes
 * trickled inside one frame to hold a session. Each is refused, counted, and an honest client from
 * another address is still served.
 */
class TrackerHostileTest {
  private TrackerServer server;
  private final List<RawClient> clients = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (RawClient c : clients) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private TrackerServer start(TrackerConfig config) throws Exception {
    server = TrackerServer.start(config.with(d -> d.requireKeyProof = false));
    return server;
  }

  private RawClient connect(String from) throws IOException {
    RawClient c = new RawClient(server.localAddress(), from);
    clients.add(c);
    return c;
  }

  private static TrackerFrame lookup(long id, String room) {
    return TrackerFrame.newBuilder()
        .setLookup(
            Lookup.newBuilder()
                .setRequestId(id)
                .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                .setRoom(room))
        .build();
  }

  @Test
  void madeUpKeysFromOneAddressFillAtMostItsShareOfARoom() throws Exception {
    start(TrackerConfig.localTest());
    for (int i = 0; i < Limits.DEFAULT_PER_ADDRESS_PER_ROOM; i++) {
      RawClient c = connect("127.0.0.1");
      c.send(RawClient.register(1, "lobby", "fake" + i, 7000));
      assertThat(c.read().hasRegistered()).isTrue();
    }
    RawClient one = connect("127.0.0.1");
    one.send(RawClient.register(1, "lobby", "one-too-many", 7000));
    TrackerFrame refused = one.read();
    assertThat(refused.getError().getCode()).isEqualTo(Code.ADDRESS_LIMIT);
    assertThat(refused.getError().getFatal()).isFalse();
    RawClient honest = connect("127.0.0.2");
    honest.send(RawClient.register(1, "lobby", "honest", 7000));
    assertThat(honest.read().getRegistered().getMembersCount())
        .isEqualTo(Limits.DEFAULT_PER_ADDRESS_PER_ROOM);
    assertThat(server.counters().refusals(Refusal.ADDRESS_LIMIT)).isEqualTo(1);
  }

  @Test
  void anOperatorCanLetMoreMembersOfARoomShareOneAddress() throws Exception {
    int office = Limits.DEFAULT_PER_ADDRESS_PER_ROOM + 4;
    TrackerMain flags = new TrackerMain();
    new CommandLine(flags)
        .parseArgs(
            "--bind", "127.0.0.1", "--port", "0", "--max-room-members-per-address", "" + office);
    start(flags.config());
    for (int i = 0; i < office; i++) {
      RawClient c = connect("127.0.0.1");
      c.send(RawClient.register(1, "lobby", "desk" + i, 7000));
      assertThat(c.read().hasRegistered()).as("desk %d", i).isTrue();
    }
    RawClient one = connect("127.0.0.1");
    one.send(RawClient.register(1, "lobby", "one-too-many", 7000));
    assertThat(one.read().getError().getCode()).isEqualTo(Code.ADDRESS_LIMIT);
  }

  @Test
  void oneKeyCannotTakeEveryRoom() throws Exception {
    start(TrackerConfig.localTest());
    int room = 0;
    List<Code> answers = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      RawClient c = connect("127.0.0.1");
      for (int i = 0; i < 40; i++, room++) {
        c.send(RawClient.register(room + 1, "room" + room, "greedy", 7000));
        TrackerFrame f = c.read();
        answers.add(f.hasError() ? f.getError().getCode() : Code.CODE_UNSPECIFIED);
      }
    }
    assertThat(answers.subList(0, Limits.DEFAULT_ROOMS_PER_KEY))
        .containsOnly(Code.CODE_UNSPECIFIED);
    assertThat(answers.subList(Limits.DEFAULT_ROOMS_PER_KEY, 80)).containsOnly(Code.SESSION_LIMIT);
    assertThat(server.counters().refusals(Refusal.KEY_LIMIT))
        .isEqualTo(80 - Limits.DEFAULT_ROOMS_PER_KEY);
    RawClient honest = connect("127.0.0.2");
    honest.send(RawClient.register(1, "room0", "honest", 7000));
    assertThat(honest.read().hasRegistered()).isTrue();
  }

  @Test
  void aLookupFloodThatIsNeverReadClosesThatSessionOnly() throws Exception {
    start(TrackerConfig.localTest());
    for (int i = 0; i < 10; i++) { // a room with members, so each answer is not tiny
      connect("127.0.0.3").send(RawClient.register(1, "lobby", "member" + i, 7000));
    }
    RawClient flood = connect("127.0.0.1");
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    for (int i = 1; i <= 10_000; i++) {
      burst.write(RawClient.frame(lookup(i, "lobby")));
    }
    flood.sendBytes(burst.toByteArray());
    TrackerFrame last = null;
    try {
      for (TrackerFrame f; (f = flood.read()) != null; ) {
        last = f;
        if (f.hasError()) {
          break;
        }
      }
    } catch (IOException closed) {
      // the tracker may close before we read its error
    }
    assertThat(last).isNotNull();
    assertThat(last.getError().getCode()).isEqualTo(Code.RATE_LIMITED);
    assertThat(flood.closedByTracker()).isTrue();
    assertThat(server.counters().throttles(Throttle.LOOKUP_RATE)).isEqualTo(1);
    RawClient honest = connect("127.0.0.2");
    honest.send(lookup(1, "lobby"));
    assertThat(honest.read().getLookupResult().getMembersCount()).isEqualTo(10);
  }

  @Test
  void theSessionsOfOneAddressShareItsLookupRateAndAnotherAddressIsStillAnswered()
      throws Exception {
    start(TrackerConfig.localTest());
    connect("127.0.0.3").send(RawClient.register(1, "lobby", "member", 7000));
    List<RawClient> sessions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sessions.add(connect("127.0.0.4"));
    }
    // 20 each: within a session's own burst of 40, but 160 in all from one address
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    for (int i = 1; i <= 20; i++) {
      burst.write(RawClient.frame(lookup(i, "lobby")));
    }
    for (RawClient s : sessions) {
      s.sendBytes(burst.toByteArray());
    }
    int limited = 0;
    int answered = 0;
    for (RawClient s : sessions) {
      for (int i = 1; i <= 20; i++) {
        TrackerFrame f = s.read();
        if (f.hasError()) {
          assertThat(f.getError().getCode()).isEqualTo(Code.RATE_LIMITED);
          assertThat(f.getError().getFatal()).isFalse();
          limited++;
        } else {
          answered++;
        }
      }
    }
    // a burst of 80 for the address, plus what refilled at 40/s while the lookups arrived
    assertThat(limited).isPositive();
    assertThat(answered).isBetween(80, 159);
    assertThat(server.counters().throttles(Throttle.LOOKUP_RATE_ADDRESS)).isEqualTo(limited);
    RawClient other = connect("127.0.0.5");
    other.send(lookup(1, "lobby"));
    assertThat(other.read().getLookupResult().getMembersCount()).isEqualTo(1);
  }

  @Test
  void bytesTrickledInsideOneFrameDoNotKeepASessionAlive() throws Exception {
    start(
        TrackerConfig.localTest()
            .with(
                d -> {
                  d.heartbeatInterval = Duration.ofMillis(200);
                  d.idleTimeout = Duration.ofMillis(800);
                }));
    RawClient slow = connect("127.0.0.1");
    slow.send(lookup(1, "lobby")); // a whole frame: the session is open
    assertThat(slow.read().hasLookupResult()).isTrue();
    byte[] frame = RawClient.frame(RawClient.register(2, "lobby", "slowloris", 7000));
    boolean closed = false;
    for (int i = 0; i < frame.length - 1 && !closed; i++) {
      try {
        slow.sendBytes(new byte[] {frame[i]});
      } catch (IOException e) {
        closed = true;
        break;
      }
      // the attacker's pace: the next byte goes 150 ms later (well inside every idle period)
      // unless the tracker has closed the session by then
      closed = closedWithin(slow, Duration.ofMillis(150));
    }
    assertThat(closed).as("closed before the frame was complete").isTrue();
    assertThat(slowClosed(slow)).isTrue();
    assertThat(server.counters().errors(Code.IDLE_TIMEOUT)).isEqualTo(1);
  }

  private static boolean closedWithin(RawClient c, Duration pace) {
    try {
      await().pollDelay(Duration.ZERO).atMost(pace).until(c::hasInput);
      return true;
    } catch (ConditionTimeoutException stillOpen) {
      return false;
    }
  }

  private static boolean slowClosed(RawClient c) throws IOException {
    try {
      TrackerFrame f = c.read();
      return f.hasError() && f.getError().getCode() == Code.IDLE_TIMEOUT;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
