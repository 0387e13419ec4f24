package meshchat.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.ReservedPort;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.runtime.PeerGroups;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.RegistrationKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With several trackers, "nobody found" (which lets a lone peer's first message skip the self-fork
 * check's wait) is passed on only when every tracker found nobody: one empty tracker says nothing
 * while another names members. A session whose registration the tracker expired registers again.
 * Real trackers on loopback.
 */
class TrackerSessionsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final PeerGroups groups = PeerGroups.create(1, 1);
  private final List<TrackerServer> trackers = new ArrayList<>();
  private final List<TrackerSessions> sessions = new ArrayList<>();

  /** What the merged sessions told the peer, in order. */
  private static final class Heard implements TrackerSession.Members {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<PeerId> left = Collections.synchronizedList(new ArrayList<>());
    volatile PeerId self;

    @Override
    public void joined(PeerAddress member) {
      events.add("joined " + member.nick());
    }

    @Override
    public void left(PeerId member) {
      events.add("left");
      left.add(member);
    }

    @Override
    public void noneFound() {
      events.add("none found");
    }

    @Override
    public void registered() {
      events.add("registered");
    }

    long count(String e) {
      synchronized (events) {
        return events.stream().filter(e::equals).count();
      }
    }
  }

  @AfterEach
  void stop() {
    sessions.forEach(
        s ->
            groups.rooms().next().submit(() -> s.stop(1_000)).syncUninterruptibly().getNow().run());
    trackers.forEach(TrackerServer::close);
    groups.close();
  }

  private InetSocketAddress tracker() throws Exception {
    return tracker(TrackerConfig.localTest());
  }

  private InetSocketAddress tracker(TrackerConfig config) throws Exception {
    TrackerServer t = TrackerServer.start(config);
    trackers.add(t);
    return new InetSocketAddress("127.0.0.1", t.localAddress().getPort());
  }

  private Heard join(String nick, InetSocketAddress... at) {
    return join(groups, nick, at);
  }

  private Heard join(PeerGroups groups, String nick, InetSocketAddress... at) {
    Identity id = Identity.generate();
    Heard heard = new Heard();
    heard.self = id.peerId();
    EventExecutor loop = groups.rooms().next();
    TrackerSessions s =
        new TrackerSessions(
            List.of(at),
            false,
            50,
            500,
            groups.io(),
            loop,
            new TrackerSession.Registration(
                "lobby", id.peerId(), nick, 7000, new RegistrationKey(id.publicKey(), id::sign)),
            heard,
            line -> {},
            new SplittableRandom(1),
            InstantSource.system(),
            "[" + nick + "]");
    sessions.add(s);
    loop.execute(s::start);
    return heard;
  }

  @Test
  void nobodyFoundIsToldOnceWhenEveryTrackerFoundNobody() throws Exception {
    InetSocketAddress empty = tracker();
    try (ReservedPort nobody = ReservedPort.any()) {
      InetSocketAddress down = new InetSocketAddress("127.0.0.1", nobody.port());
      Heard alone = join("alone", empty, down);
      await().atMost(WAIT).until(() -> alone.count("none found") == 1);
      assertThat(alone.count("registered")).isEqualTo(1);
    }
  }

  @Test
  void oneEmptyTrackerSaysNothingWhileAnotherNamesAMember() throws Exception {
    InetSocketAddress a = tracker();
    InetSocketAddress b = tracker();
    Heard ann = join("ann", a);
    await().atMost(WAIT).until(() -> ann.count("registered") == 1);
    // bob registers with both: a names ann, b names nobody
    Heard bob = join("bob", a, b);
    await().atMost(WAIT).until(() -> bob.count("registered") == 2 && bob.count("joined ann") == 1);
    assertThat(bob.events).doesNotContain("none found");
    assertThat(ann.count("none found")).isEqualTo(1); // alone on its only tracker
  }

  /**
   * A session whose heartbeats came late (its event loop was busy) loses its registration; the
   * tracker tells it so (MemberLeft naming it) and it registers again at once, so that peers who
   * register later are told of it. Without that it stayed unlisted while its session lived: in a
   * 100-peer room on a loaded box, whole cohorts expired, and newcomers formed rooms of their own.
   */
  @Test
  void aRegistrationTheTrackerExpiredIsRegisteredAgain() throws Exception {
    // a 2 s TTL: long enough that the load alone does not expire a live session (at 400 ms, a
    // box at load 15 expired bob too, who then never heard that ann left), short enough for a test
    InetSocketAddress t =
        tracker(
            TrackerConfig.localTest()
                .with(
                    d -> {
                      d.heartbeatInterval = Duration.ofMillis(100);
                      d.ttl = Duration.ofMillis(2_000);
                    }));
    TrackerServer server = trackers.get(trackers.size() - 1);
    try (PeerGroups annGroups = PeerGroups.create(1, 1)) {
      Heard ann = join(annGroups, "ann", t);
      await().atMost(WAIT).until(() -> listed(server, ann.self));
      // ann's event loop stalls until the tracker has dropped her for missed heartbeats
      CountDownLatch dropped = new CountDownLatch(1);
      annGroups.io().next().execute(() -> awaitUninterruptibly(dropped));
      await().atMost(WAIT).until(() -> !listed(server, ann.self));
      dropped.countDown();
      await().atMost(WAIT).until(() -> ann.count("registered") >= 2 && listed(server, ann.self));
      // a peer who registers now is told of her
      Heard bob = join("bob", t);
      await().atMost(WAIT).until(() -> bob.count("joined ann") >= 1);
      // a stop that unregisters on ann's groups, before they close
      TrackerSessions s = sessions.remove(0);
      annGroups.rooms().next().submit(() -> s.stop(1_000)).syncUninterruptibly().getNow().run();
    }
  }

  private static boolean listed(TrackerServer server, PeerId peer) throws Exception {
    return server
        .inspect(d -> d.lookup("lobby").stream().anyMatch(m -> m.peerId().equals(peer)))
        .get(10, TimeUnit.SECONDS);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
