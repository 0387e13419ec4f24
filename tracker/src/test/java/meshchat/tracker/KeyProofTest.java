package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.proto.v1.Error;
import meshchat.proto.v1.GetNonce;
import meshchat.proto.v1.Member;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.Nonce;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.Registered;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.client.MemberStatements;
import meshchat.tracker.client.RegistrationKey;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tracker session can register only the peer id whose key it proves, on that session only. */
class KeyProofTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private TrackerServer server;
  private TrackerClient client;
  private final TestKeys alice = new TestKeys();
  private final TestKeys mallory = new TestKeys();

  @BeforeEach
  void start() throws Exception {
    server = TrackerServer.start(TrackerConfig.localTest()); // proofs required, as in production
    client = TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  private void refused(CompletableFuture<?> f, String why) {
    assertThatThrownBy(() -> done(f))
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining(why);
  }

  @Test
  void aPeerRegistersTheIdOfItsOwnKey() throws Exception {
    Registered r = done(client.register("lobby", alice.id, "alice", "10.0.0.1", 7000, alice.key()));
    assertThat(r.getYou().getPeerId().toByteArray()).isEqualTo(alice.id);
  }

  @Test
  void eachListedMemberCarriesTheStatementItSignedAndAChangedOneFails() throws Exception {
    done(client.register("lobby", alice.id, "alice", "10.0.0.1", 7000, alice.key()));
    TrackerClient other =
        TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join();
    try {
      Registered r = done(other.register("lobby", mallory.id, "mal", "", 7001, mallory.key()));
      Member listed = r.getMembers(0);
      long now = System.currentTimeMillis();
      assertThat(MemberStatements.problem("lobby", listed, now)).isNull();
      assertThat(MemberStatements.problem("lobby", r.getYou(), now)).as("host resolved").isNull();
      assertThat(r.getYou().getHost()).isEqualTo(r.getYou().getObservedHost());
      // what a lying tracker, or a relay on its plain-TCP session, would change
      var moved = listed.toBuilder().setHost("192.0.2.7").setAdvertisedHost("192.0.2.7").build();
      assertThat(MemberStatements.problem("lobby", moved, now)).contains("does not verify");
      var renamed = listed.toBuilder().setPeerId(ByteString.copyFrom(mallory.id)).build();
      assertThat(MemberStatements.problem("lobby", renamed, now)).contains("fingerprint");
      assertThat(MemberStatements.problem("another room", listed, now)).contains("does not verify");
      var lookedUp = done(other.lookup("lobby")).getMembersList();
      assertThat(lookedUp).hasSize(2);
      assertThat(lookedUp)
          .allSatisfy(m -> assertThat(MemberStatements.problem("lobby", m, now)).isNull());
    } finally {
      other.close();
    }
  }

  @Test
  void aFreshStatementOnTheSameSessionReplacesTheOldOneAndIsPushedToTheOthers() throws Exception {
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    List<MemberJoined> pushed = new CopyOnWriteArrayList<>();
    TrackerClient other =
        TrackerClient.connect(
                server.localAddress(),
                group,
                new TrackerListener() {
                  @Override
                  public void memberJoined(MemberJoined j) {
                    pushed.add(j);
                  }
                })
            .join();
    TrackerClient aliceSession =
        TrackerClient.connect(
                server.localAddress(),
                group,
                new TrackerListener() {},
                1 << 20,
                () -> Instant.ofEpochMilli(now.get()))
            .join();
    try {
      done(other.register("lobby", mallory.id, "mal", "", 7001, mallory.key()));
      done(aliceSession.register("lobby", alice.id, "alice", "", 7000, alice.key()));
      Awaitility.await().until(() -> pushed.size() == 1);
      long first = pushed.get(0).getMember().getTimestampMs();

      now.addAndGet(60_000); // a minute on: alice signs afresh, as a peer does every 20 minutes
      done(aliceSession.register("lobby", alice.id, "alice", "", 7000, alice.key()));
      // pushed once the restatement gap after the join has passed (Directory.RESTATE_GAP_MILLIS)
      Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> pushed.size() == 2);
      Member fresh = pushed.get(1).getMember();
      assertThat(fresh.getTimestampMs()).isEqualTo(first + 60_000);
      assertThat(MemberStatements.problem("lobby", fresh, now.get())).isNull();
      var listed = done(other.lookup("lobby")).getMembersList();
      assertThat(listed).filteredOn(m -> m.getNick().equals("alice")).hasSize(1);
      assertThat(listed)
          .filteredOn(m -> m.getNick().equals("alice"))
          .allSatisfy(m -> assertThat(m.getTimestampMs()).isEqualTo(first + 60_000));
    } finally {
      aliceSession.close();
      other.close();
    }
  }

  @Test
  void aRegistrationWithoutAProofIsListedWithoutAStatementWhichPeersRefuse() throws Exception {
    server.close();
    server = TrackerServer.start(TrackerConfig.localTest().with(d -> d.requireKeyProof = false));
    client.close();
    client = TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join();
    done(client.register("lobby", alice.id, "alice", "10.0.0.1", 7000));
    var listed = done(client.lookup("lobby")).getMembers(0);
    assertThat(listed.getPublicKey().isEmpty()).isTrue();
    assertThat(MemberStatements.problem("lobby", listed, System.currentTimeMillis()))
        .contains("without its signed statement");
  }

  @Test
  void anUnsignedRegistrationIsRefusedAndCounted() {
    refused(client.register("lobby", alice.id, "alice", "10.0.0.1", 7000), "must prove its key");
    assertThat(server.counters().errors(meshchat.proto.v1.Error.Code.UNAUTHENTICATED)).isEqualTo(1);
  }

  @Test
  void registeringSomeoneElsesIdWithYourOwnKeyIsRefused() throws Exception {
    refused(
        client.register("lobby", alice.id, "mallory", "10.6.6.6", 7000, mallory.key()),
        "not the fingerprint");
    // and the session stays usable for mallory's own id (the error is not fatal)
    done(client.register("lobby", mallory.id, "mallory", "10.6.6.6", 7000, mallory.key()));
  }

  @Test
  void aVictimsPublicKeyWithoutItsPrivateKeyIsRefused() {
    RegistrationKey stolenPublicKey = new RegistrationKey(alice.raw, mallory::sign);
    refused(
        client.register("lobby", alice.id, "alice", "10.6.6.6", 7000, stolenPublicKey),
        "bad registration signature");
  }

  @Test
  void aSignatureMadeForAnotherAddressCannotBeReused() {
    // alice's genuine signature of her registration at 10.0.0.1, replayed for mallory's host
    RegistrationKey replay =
        new RegistrationKey(
            alice.raw,
            data ->
                alice.sign(
                    RegistrationKey.transcript(
                        nonceOf(client),
                        "127.0.0.1",
                        "lobby",
                        alice.id,
                        "alice",
                        "10.0.0.1",
                        7000,
                        readTimestamp(data))));
    refused(
        client.register("lobby", alice.id, "alice", "10.6.6.6", 7000, replay),
        "bad registration signature");
  }

  private static byte[] nonceOf(TrackerClient c) {
    return c.nonce().join().getNonce().toByteArray();
  }

  @Test
  void aRegisterWithoutTheSessionNonceIsRefused() throws Exception {
    try (RawSession raw = new RawSession(server.localAddress(), "127.0.0.1")) {
      long ts = System.currentTimeMillis();
      byte[] t =
          RegistrationKey.transcript(
              new byte[32], "127.0.0.1", "lobby", alice.id, "alice", "", 7000, ts);
      TrackerFrame answer = raw.ask(register(alice, t, ts));
      assertThat(answer.getError().getCode()).isEqualTo(Error.Code.UNAUTHENTICATED);
      assertThat(answer.getError().getMessage()).contains("send GetNonce first");
    }
  }

  /**
   * The replay attack: mallory captures alice's Register (here: alice's raw session builds it,
   * signing her session's nonce) and sends it from another address, before and after alice does.
   * Both replays are refused, and alice registers all the same: nobody but alice can hold her id.
   */
  @Test
  void aCapturedRegisterReplayedFromAnotherAddressFailsAndNeverLocksOutTheOwner() throws Exception {
    try (RawSession genuine = new RawSession(server.localAddress(), "127.0.0.1");
        RawSession thief = new RawSession(server.localAddress(), "127.0.0.2")) {
      Nonce n = genuine.ask(getNonce()).getNonce();
      assertThat(n.getObservedHost()).isEqualTo("127.0.0.1");
      assertThat(n.getNonce().size()).isEqualTo(32);
      long ts = System.currentTimeMillis();
      byte[] t =
          RegistrationKey.transcript(
              n.getNonce().toByteArray(), "127.0.0.1", "lobby", alice.id, "alice", "", 7000, ts);
      TrackerFrame captured = register(alice, t, ts);

      Nonce thiefs = thief.ask(getNonce()).getNonce();
      assertThat(thiefs.getObservedHost()).isEqualTo("127.0.0.2");
      assertThat(thiefs.getNonce()).isNotEqualTo(n.getNonce());
      TrackerFrame early = thief.ask(captured);
      assertThat(early.getError().getCode()).isEqualTo(Error.Code.UNAUTHENTICATED);

      TrackerFrame ok = genuine.ask(captured);
      assertThat(ok.hasRegistered()).isTrue();
      assertThat(ok.getRegistered().getYou().getHost()).isEqualTo("127.0.0.1");

      TrackerFrame late = thief.ask(captured);
      assertThat(late.getError().getCode()).isEqualTo(Error.Code.UNAUTHENTICATED);
      // the same frame on a new session from alice's own address is worthless too
      try (RawSession again = new RawSession(server.localAddress(), "127.0.0.1")) {
        again.ask(getNonce());
        assertThat(again.ask(captured).getError().getCode()).isEqualTo(Error.Code.UNAUTHENTICATED);
      }
      assertThat(
              done(client.lookup("lobby")).getMembersList().stream().map(m -> m.getHost()).toList())
          .containsExactly("127.0.0.1");
    }
  }

  private static TrackerFrame getNonce() {
    return TrackerFrame.newBuilder()
        .setGetNonce(GetNonce.newBuilder().setRequestId(1).setProtocolVersion(1))
        .build();
  }

  private static TrackerFrame register(TestKeys who, byte[] transcript, long ts) {
    return TrackerFrame.newBuilder()
        .setRegister(
            Register.newBuilder()
                .setRequestId(2)
                .setProtocolVersion(1)
                .setRoom("lobby")
                .setPeerId(ByteString.copyFrom(who.id))
                .setNick("alice")
                .setPort(7000)
                .setPublicKey(ByteString.copyFrom(who.raw))
                .setTimestampMs(ts)
                .setSignature(ByteString.copyFrom(who.sign(transcript))))
        .build();
  }

  /** A tracker session on a plain socket from a chosen loopback address. */
  private static final class RawSession implements AutoCloseable {
    private final Socket socket;

    RawSession(InetSocketAddress tracker, String from) throws Exception {
      socket = new Socket(tracker.getAddress(), tracker.getPort(), InetAddress.getByName(from), 0);
      socket.setSoTimeout(10_000);
    }

    /** Sends a frame and returns the next answer that is not a push. */
    TrackerFrame ask(TrackerFrame f) throws Exception {
      f.writeDelimitedTo(socket.getOutputStream());
      while (true) {
        TrackerFrame answer = TrackerFrame.parseDelimitedFrom(socket.getInputStream());
        if (!answer.hasMemberJoined() && !answer.hasMemberLeft()) {
          return answer;
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** The timestamp is the transcript's last 8 bytes (big-endian). */
  private static long readTimestamp(byte[] transcript) {
    long t = 0;
    for (int i = transcript.length - 8; i < transcript.length; i++) {
      t = (t << 8) | (transcript[i] & 0xFF);
    }
    return t;
  }
}
