package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.MemberLeft;
import meshchat.proto.v1.Registered;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerException;
import meshchat.tracker.directory.Member;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrackerServerTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TrackerServer server;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private TrackerServer start(TrackerConfig config) throws Exception {
    // these tests are about rooms and sessions, with readable ids; KeyProofTest covers the keys
    server = TrackerServer.start(config.with(cfg -> cfg.requireKeyProof = false));
    return server;
  }

  private TrackerClient client(Recorder recorder) {
    TrackerClient c = TrackerClient.connect(server.localAddress(), group, recorder).join();
    toClose.add(c);
    return c;
  }

  private static byte[] id(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  @Test
  void registerAnswersWithTheMembersAndPushesJoinsAndLeaves() throws Exception {
    start(TrackerConfig.localTest());
    Recorder alicePushes = new Recorder();
    TrackerClient alice = client(alicePushes);
    TrackerClient bob = client(new Recorder());

    Registered first = done(alice.register("general", id("alice"), "alice", "10.0.0.1", 7001));
    Registered second = done(bob.register("general", id("bob"), "bob", "10.0.0.2", 7002));

    assertThat(first.getMembersList()).isEmpty();
    assertThat(first.getHeartbeatIntervalMs()).isEqualTo(5000);
    assertThat(first.getTtlMs()).isEqualTo(15000);
    assertThat(second.getMembersList()).extracting(m -> m.getNick()).containsExactly("alice");
    await().until(() -> alicePushes.joined.size() == 1);
    assertThat(alicePushes.joined.get(0).getMember().getHost()).isEqualTo("10.0.0.2");

    done(bob.unregister("general"));
    await().until(() -> alicePushes.left.size() == 1);
    assertThat(alicePushes.left.get(0).getReason()).isEqualTo(MemberLeft.Reason.LEFT);

    done(bob.register("general", id("bob"), "bob", "10.0.0.2", 7002));
    bob.close();
    await().until(() -> alicePushes.left.size() == 2);
    assertThat(alicePushes.left.get(1).getReason()).isEqualTo(MemberLeft.Reason.CLOSED);
    assertThat(done(alice.lookup("general")).getMembersList()).hasSize(1);
  }

  @Test
  void oneSessionRegistersInSeveralRoomsAndLooksUpWithoutJoining() throws Exception {
    start(TrackerConfig.localTest());
    TrackerClient alice = client(new Recorder());
    TrackerClient watcher = client(new Recorder());

    // the watcher's first frame is a Lookup: allowed, and it joins nothing
    assertThat(done(watcher.lookup("a")).getMembersList()).isEmpty();
    done(alice.register("a", id("alice"), "alice", "10.0.0.1", 7001));
    done(alice.register("b", id("alice"), "alice", "10.0.0.1", 7001));

    assertThat(done(watcher.lookup("a")).getMembersList()).hasSize(1);
    assertThat(done(watcher.lookup("b")).getMembersList()).hasSize(1);
    assertThat(server.inspect(d -> d.registrationCount()).get()).isEqualTo(2);
  }

  @Test
  void aWildcardOrEmptyHostIsRecordedAsTheSourceAddress() throws Exception {
    start(TrackerConfig.localTest());
    TrackerClient alice = client(new Recorder());

    Registered wildcard = done(alice.register("a", id("alice"), "alice", "0.0.0.0", 7001));
    Registered empty = done(alice.register("b", id("alice"), "alice", "", 7001));

    assertThat(wildcard.getYou().getHost()).isEqualTo("127.0.0.1");
    assertThat(empty.getYou().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void aClientThatStopsHeartbeatingExpiresAndTheOthersAreTold() throws Exception {
    start(
        TrackerConfig.localTest()
            .with(cfg -> cfg.heartbeatInterval = Duration.ofMillis(100))
            // 15 heartbeats per TTL: a loaded box can delay a few without alice expiring too
            .with(cfg -> cfg.ttl = Duration.ofMillis(1500)));
    Recorder alicePushes = new Recorder();
    TrackerClient alice = client(alicePushes); // heartbeats every 100 ms by itself
    done(alice.register("general", id("alice"), "alice", "10.0.0.1", 7001));
    try (RawClient silent = new RawClient(server.localAddress())) {
      silent.send(RawClient.register(1, "general", "mute", 7002));
      assertThat(silent.read().hasRegistered()).isTrue();

      await().atMost(Duration.ofSeconds(15)).until(() -> alicePushes.left.size() == 1);
      assertThat(alicePushes.left.get(0).getReason()).isEqualTo(MemberLeft.Reason.EXPIRED);
      // alice, who heartbeats, outlives several TTLs
      assertThat(done(alice.lookup("general")).getMembersList())
          .extracting(m -> m.getNick())
          .containsExactly("alice");
    }
  }

  @Test
  void aSessionThatSendsNothingIsClosedWithIdleTimeout() throws Exception {
    start(
        TrackerConfig.localTest()
            .with(
                cfg -> {
                  cfg.heartbeatInterval = Duration.ofMillis(50);
                  // well after the TTL: at 200 ms a loaded machine fired it before the expiry
                  cfg.idleTimeout = Duration.ofSeconds(1);
                }));
    try (RawClient silent = new RawClient(server.localAddress())) {
      silent.send(RawClient.register(1, "general", "mute", 7002));
      assertThat(silent.read().hasRegistered()).isTrue();

      // its registration expires first (TTL 150 ms), and the owner is told of that too
      assertThat(silent.read().getMemberLeft().getReason()).isEqualTo(MemberLeft.Reason.EXPIRED);
      var error = silent.read().getError();
      assertThat(error.getCode()).isEqualTo(Code.IDLE_TIMEOUT);
      assertThat(error.getFatal()).isTrue();
      assertThat(silent.closedByTracker()).isTrue();
    }
  }

  @Test
  void eachLimitRefusesWithAClearReasonAndEveryoneElseIsStillServed() throws Exception {
    start(
        TrackerConfig.localTest()
            .with(
                cfg -> {
                  cfg.maxRooms = 2;
                  cfg.maxPeersPerRoom = 2;
                  cfg.maxRegistrationsPerSession = 1;
                }));
    TrackerClient a = client(new Recorder());
    TrackerClient b = client(new Recorder());
    TrackerClient c = client(new Recorder());
    done(a.register("r1", id("a"), "a", "10.0.0.1", 1));
    done(b.register("r1", id("b"), "b", "10.0.0.1", 2));

    assertThatThrownBy(() -> done(c.register("r1", id("c"), "c", "10.0.0.1", 3)))
        .hasCauseInstanceOf(TrackerException.class)
        .hasMessageContaining("ROOM_FULL");
    assertThatThrownBy(() -> done(a.register("r2", id("a"), "a", "10.0.0.1", 1)))
        .hasMessageContaining("SESSION_LIMIT");
    done(c.register("r2", id("c"), "c", "10.0.0.1", 3));
    TrackerClient d = client(new Recorder());
    assertThatThrownBy(() -> done(d.register("r3", id("d"), "d", "10.0.0.1", 4)))
        .hasMessageContaining("ROOM_LIMIT");
    assertThatThrownBy(() -> done(d.register("r3", id("d"), "d", "10.0.0.1", 0)))
        .hasMessageContaining("INVALID_ARGUMENT");
    // a host with a tab, newline or escape would forge lines in every member's peer cache and
    // reach /who (rev27 F1): only a host name or IP address is recorded
    assertThatThrownBy(
            () -> done(d.register("r1", id("d"), "m\u001b]0;owned\u0007", "10.0.0.1", 4)))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("no control character");
    assertThatThrownBy(() -> done(d.register("r\n1", id("d"), "d", "10.0.0.1", 4)))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("no control character");
    for (String host : new String[] {"h\t1\t1\tn\nr1\tabcd\t203.0.113.66", "\u001b[2J", "a b"}) {
      assertThatThrownBy(() -> done(d.register("r1", id("d"), "d", host, 4)))
          .hasMessageContaining("INVALID_ARGUMENT")
          .hasMessageContaining("host name or IP address");
    }

    // refusals are not fatal: the refused sessions and everyone else carry on
    assertThat(done(d.lookup("r1")).getMembersList()).hasSize(2);
    assertThat(done(c.lookup("r2")).getMembersList()).hasSize(1);
    assertThat(a.isOpen() && c.isOpen() && d.isOpen()).isTrue();
  }

  @Test
  void peersRegisterAgainAfterATrackerRestartOnTheSamePort() throws Exception {
    start(TrackerConfig.localTest());
    int port = server.localAddress().getPort();
    Recorder pushes = new Recorder();
    TrackerClient before = client(pushes);
    done(before.register("general", id("alice"), "alice", "10.0.0.1", 7001));

    server.close();
    await().until(pushes.closed::get);
    assertThat(pushes.errors).extracting(e -> e.getCode()).containsExactly(Code.SHUTTING_DOWN);

    start(TrackerConfig.localTest().with(cfg -> cfg.port = port));
    TrackerClient after = client(new Recorder());
    assertThat(done(after.lookup("general")).getMembersList()).isEmpty(); // memory only
    done(after.register("general", id("alice"), "alice", "10.0.0.1", 7001));
    assertThat(done(after.lookup("general")).getMembersList()).hasSize(1);
  }

  @Test
  void hundredClientsInTenRoomsConcurrentlyThenHalfDisconnect() throws Exception {
    start(TrackerConfig.localTest());
    List<TrackerClient> clients = new ArrayList<>();
    List<CompletableFuture<TrackerClient>> connecting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      connecting.add(TrackerClient.connect(server.localAddress(), group, new Recorder()));
    }
    for (CompletableFuture<TrackerClient> f : connecting) {
      clients.add(done(f));
    }
    toClose.addAll(clients);
    List<CompletableFuture<Registered>> registering = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      registering.add(
          clients.get(i).register("room-" + i % 10, id("p" + i), "p" + i, "10.0.0.1", 1000 + i));
    }
    CompletableFuture.allOf(registering.toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS);

    for (int i = 1; i < 100; i += 2) {
      clients.get(i).close();
    }

    Map<String, List<Integer>> expected = new TreeMap<>();
    for (int i = 0; i < 100; i += 2) {
      expected.computeIfAbsent("room-" + i % 10, r -> new ArrayList<>()).add(1000 + i);
    }
    await().until(() -> server.inspect(d -> d.registrationCount()).get() == 50);
    Map<String, List<Integer>> actual =
        server
            .inspect(
                d -> {
                  Map<String, List<Integer>> m = new TreeMap<>();
                  for (int r = 0; r < 10; r++) {
                    for (Member member : d.lookup("room-" + r)) {
                      m.computeIfAbsent("room-" + r, k -> new ArrayList<>()).add(member.port());
                    }
                  }
                  m.values().forEach(l -> l.sort(null));
                  return m;
                })
            .get();
    assertThat(actual).isEqualTo(expected);
    assertThat(server.inspect(d -> d.roomCount()).get()).isEqualTo(5);
  }
}
