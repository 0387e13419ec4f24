package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import meshchat.peer.limit.LogBudget;
import meshchat.proto.v1.Error;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.Heartbeat;
import meshchat.proto.v1.Lookup;
import meshchat.proto.v1.TrackerFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Each kind of bad input: the offending session gets an Error where it can, and is closed; the
 * tracker logs one line without a stack trace and keeps serving a well-behaved client.
 */
class BadInputTest {
  private TrackerServer server;
  private RawClient good;
  private final ListAppender<ILoggingEvent> sessionLog = new ListAppender<>();

  @BeforeEach
  void setUp() throws Exception {
    // readable ids in the frames below: key proofs are KeyProofTest's subject
    server =
        TrackerServer.start(
            TrackerConfig.localTest()
                .with(
                    d -> {
                      d.maxFrameBytes = 1024;
                      d.requireKeyProof = false;
                    }));
    good = new RawClient(server.localAddress());
    good.send(RawClient.register(1, "general", "good", 7000));
    assertThat(good.read().hasRegistered()).isTrue();
    sessionLog.start();
    ((Logger) LoggerFactory.getLogger("meshchat.tracker.session")).addAppender(sessionLog);
  }

  @AfterEach
  void tearDown() throws Exception {
    ((Logger) LoggerFactory.getLogger("meshchat.tracker.session")).detachAppender(sessionLog);
    good.close();
    server.close();
  }

  /** The bad session's error, after which the tracker closed it. */
  private static Error errorThenClose(RawClient bad) throws IOException {
    TrackerFrame frame = bad.read();
    assertThat(frame.getBodyCase()).isEqualTo(TrackerFrame.BodyCase.ERROR);
    assertThat(frame.getError().getFatal()).isTrue();
    assertThat(bad.closedByTracker()).isTrue();
    return frame.getError();
  }

  private void assertOneLogLineAndStillServing(String expected) throws IOException {
    await().until(() -> !sessionLog.list.isEmpty());
    List<String> lines =
        sessionLog.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .collect(Collectors.toList());
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains(expected);
    assertThat(sessionLog.list.get(0).getThrowableProxy()).isNull();
    good.send(
        TrackerFrame.newBuilder()
            .setLookup(Lookup.newBuilder().setRequestId(9).setRoom("general"))
            .build());
    assertThat(good.read().getLookupResult().getMembersCount()).isEqualTo(1);
  }

  @Test
  void garbageBytes() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      // a 3-byte frame whose payload is not Protobuf (a truncated varint tag)
      bad.sendBytes(new byte[] {3, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      assertThat(errorThenClose(bad).getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    }
    assertOneLogLineAndStillServing("PROTOCOL_ERROR");
  }

  @Test
  void aSixByteLengthPrefix() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      bad.sendBytes(
          new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1});
      assertThat(errorThenClose(bad).getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    }
    assertOneLogLineAndStillServing("longer than 5 bytes");
  }

  @Test
  void aTruncatedFrame() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      byte[] whole = RawClient.frame(RawClient.register(1, "general", "cut", 7001));
      bad.sendBytes(Arrays.copyOf(whole, whole.length / 2));
      bad.shutdownOutput(); // the stream ends mid-frame: nothing can be answered
      assertThat(bad.closedByTracker()).isTrue();
    }
    assertOneLogLineAndStillServing("closed inside a frame");
    assertThat(server.counters().errors()).as("a cut connection is no protocol error").isEmpty();
  }

  @Test
  void aFrameOverTheLimit() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      // announce 1025 bytes (limit 1024) and send none of them: refused on the prefix alone
      bad.sendBytes(new byte[] {(byte) 0x81, 0x08});
      Error error = errorThenClose(bad);
      assertThat(error.getCode()).isEqualTo(Code.FRAME_TOO_LARGE);
      assertThat(error.getMessage()).contains("1025");
    }
    assertOneLogLineAndStillServing("FRAME_TOO_LARGE");
  }

  @Test
  void anUnknownMessage() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      // field 15 (varint) is no case of the oneof: proto3 parses it as BODY_NOT_SET
      bad.sendBytes(new byte[] {2, 15 << 3, 1});
      assertThat(errorThenClose(bad).getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    }
    assertOneLogLineAndStillServing("first frame must be Register, Lookup or GetNonce");
  }

  @Test
  void anUnknownMessageAfterTheHandshake() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      bad.send(RawClient.register(1, "other", "late", 7001));
      assertThat(bad.read().hasRegistered()).isTrue();
      bad.sendBytes(new byte[] {2, 15 << 3, 1});
      assertThat(errorThenClose(bad).getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    }
    assertOneLogLineAndStillServing("unset or unknown body");
  }

  @Test
  void aFirstFrameThatIsNotRegisterOrLookup() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      bad.send(TrackerFrame.newBuilder().setHeartbeat(Heartbeat.newBuilder().setNonce(1)).build());
      assertThat(errorThenClose(bad).getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    }
    assertOneLogLineAndStillServing("HEARTBEAT");
  }

  /** rev28 F8: a stranger wrote one log line per session it opened, without bound. */
  @Test
  void aStrangerRefusedAgainAndAgainGetsTenLinesIntoTheLogAndIsCountedEveryTime() throws Exception {
    int sessions = 3 * LogBudget.LINES_PER_WINDOW;
    for (int i = 0; i < sessions; i++) {
      try (RawClient bad = new RawClient(server.localAddress())) {
        bad.send(
            TrackerFrame.newBuilder().setHeartbeat(Heartbeat.newBuilder().setNonce(1)).build());
        assertThat(errorThenClose(bad).getCode()).isEqualTo(Code.PROTOCOL_ERROR);
      }
    }
    await().until(() -> server.counters().errors(Code.PROTOCOL_ERROR) == sessions);
    // within one minute (a test on a slow box may see a second one begin: ten more at most)
    assertThat(sessionLog.list.stream().filter(e -> e.getFormattedMessage().contains("refused")))
        .hasSizeBetween(LogBudget.LINES_PER_WINDOW, 2 * LogBudget.LINES_PER_WINDOW);
  }

  @Test
  void anUnsupportedProtocolVersion() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      TrackerFrame v2 = RawClient.register(5, "general", "future", 7001);
      bad.send(
          v2.toBuilder().setRegister(v2.getRegister().toBuilder().setProtocolVersion(2)).build());
      Error error = errorThenClose(bad);
      assertThat(error.getCode()).isEqualTo(Code.VERSION_MISMATCH);
      assertThat(error.getRequestId()).isEqualTo(5);
    }
    assertOneLogLineAndStillServing("VERSION_MISMATCH");
  }

  @Test
  void aRegisterClaimingAPeerIdHeldByAnotherLiveSession() throws Exception {
    try (RawClient bad = new RawClient(server.localAddress())) {
      bad.send(RawClient.register(7, "general", "good", 7999));
      Error error = errorThenClose(bad);
      assertThat(error.getCode()).isEqualTo(Code.PEER_ID_IN_USE);
      assertThat(error.getRequestId()).isEqualTo(7);
    }
    assertOneLogLineAndStillServing("PEER_ID_IN_USE");
  }
}
