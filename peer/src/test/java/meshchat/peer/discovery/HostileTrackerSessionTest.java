package meshchat.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.runtime.PeerGroups;
import meshchat.proto.v1.Member;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.MemberLeft;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.RegistrationKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tracker (or whoever sits on its plain-TCP session) that tells a peer over and over that its own
 * registration expired gets one re-registration per backoff, never one per push: the peer's answer
 * to an expiry is bounded however often the expiry is claimed. A real tracker on loopback behind a
 * proxy that forwards every frame and injects our own MemberLeft.
 */
class HostileTrackerSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ROOM = "lobby";
  private final PeerGroups groups = PeerGroups.create(1, 1);
  private final EventExecutor loop = groups.rooms().next();
  private TrackerServer tracker;
  private Injector injector;
  private TrackerSessions session;

  @AfterEach
  void stop() throws IOException {
    if (session != null) {
      stopSession();
    }
    if (injector != null) {
      injector.close();
    }
    if (tracker != null) {
      tracker.close();
    }
    groups.close();
  }

  private void stopSession() {
    TrackerSessions s = session;
    session = null;
    loop.submit(() -> s.stop(1_000)).syncUninterruptibly().getNow().run();
  }

  /** What the session told the peer. */
  private static final class Heard implements TrackerSession.Members {
    final AtomicInteger registered = new AtomicInteger();
    final AtomicInteger joined = new AtomicInteger();
    final AtomicInteger left = new AtomicInteger();
    final AtomicInteger unreachable = new AtomicInteger();
    final List<String> refused = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void joined(PeerAddress member) {
      joined.incrementAndGet();
    }

    @Override
    public void left(PeerId member) {
      left.incrementAndGet();
    }

    @Override
    public void registered() {
      registered.incrementAndGet();
    }

    @Override
    public void refused(String why) {
      refused.add(why);
    }

    @Override
    public void unreachable() {
      unreachable.incrementAndGet();
    }

    @Override
    public String toString() {
      return "registered "
          + registered
          + ", unreachable "
          + unreachable
          + ", refused members "
          + refused.size();
    }
  }

  private Heard join(Identity id, long retryMinMs, long retryMaxMs) {
    Heard heard = new Heard();
    session =
        new TrackerSessions(
            List.of(injector.address()),
            false,
            retryMinMs,
            retryMaxMs,
            groups.io(),
            loop,
            new TrackerSession.Registration(
                ROOM, id.peerId(), "bob", 7000, new RegistrationKey(id.publicKey(), id::sign)),
            heard,
            line -> {},
            new SplittableRandom(7),
            InstantSource.system(),
            "[bob]");
    loop.execute(session::start);
    return heard;
  }

  private static TrackerFrame expired(PeerId who) {
    return TrackerFrame.newBuilder()
        .setMemberLeft(
            MemberLeft.newBuilder()
                .setRoom(ROOM)
                .setPeerId(ByteString.copyFrom(who.toBytes()))
                .setReason(MemberLeft.Reason.EXPIRED))
        .build();
  }

  /** An unsigned member: the session refuses it, which tells the test it read this far. */
  private static TrackerFrame unsignedMember() {
    return joined(
        Member.newBuilder()
            .setPeerId(ByteString.copyFrom(new byte[16]))
            .setNick("marker")
            .setHost("127.0.0.1")
            .setPort(7001));
  }

  /** A tracker's push that {@code member} joined the room. */
  private static TrackerFrame joined(Member.Builder member) {
    return TrackerFrame.newBuilder()
        .setMemberJoined(MemberJoined.newBuilder().setRoom(ROOM).setMember(member))
        .build();
  }

  /**
   * Joins as {@code bob} through an injector that follows the tracker's first Registered with
   * {@code flood}, then an unsigned member, whose refusal tells the test that all was read.
   */
  private Heard floodAfterFirstRegistration(Identity bob, List<TrackerFrame> flood)
      throws IOException {
    List<TrackerFrame> frames = new ArrayList<>(flood);
    frames.add(unsignedMember());
    AtomicInteger answers = new AtomicInteger();
    injector =
        new Injector(
            tracker.localAddress().getPort(),
            down -> down.hasRegistered() && answers.getAndIncrement() == 0 ? frames : List.of());
    return join(bob, 50, 500);
  }

  @Test
  void aThousandClaimsThatWeExpiredGetOneRegistrationOrTwo() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    Identity bob = Identity.generate();
    List<TrackerFrame> flood = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      flood.add(expired(bob.peerId()));
    }
    Heard heard = floodAfterFirstRegistration(bob, flood);
    // the flood, then the marker, then the answer to the one re-registration: in that order on
    // the session's stream, so the marker's refusal comes after all thousand claims were read
    await().atMost(WAIT).until(() -> heard.refused.size() == 1 && heard.registered.get() >= 2);
    // the Unregister leaves on the same loop as every Register before it: count up to it
    stopSession();
    await().atMost(WAIT).until(() -> injector.unregisters.get() == 1);
    // the first registration and the one that answers the claims; a second one only when this
    // box descheduled the loop for the re-registration's whole round trip, so that its answer
    // was taken before the claims queued ahead of it (TrackerSession.registerOn)
    assertThat(injector.registers.size()).as("Registers before the Unregister").isBetween(2, 3);
  }

  @Test
  void aTrackerThatExpiresUsAfterEveryRegistrationIsAnsweredAtBackoff() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    Identity bob = Identity.generate();
    injector =
        new Injector(
            tracker.localAddress().getPort(),
            down -> down.hasRegistered() ? List.of(expired(bob.peerId())) : List.of());
    Heard heard = join(bob, 200, 2_000);
    await()
        .atMost(WAIT)
        .alias("six Registers; the session heard " + heard + ", the proxy saw " + injector)
        .until(() -> injector.registers.size() >= 6);
    // the first expiry is answered at once; the next four wait at least half of 200, 400, 800,
    // 1,600 ms (Backoff's equal jitter); without the backoff all six come within round trips
    long spanMs = (injector.registers.get(5) - injector.registers.get(1)) / 1_000_000;
    assertThat(spanMs).isGreaterThanOrEqualTo(100 + 200 + 400 + 800);
  }

  /**
   * Every member a tracker names may be validly signed (a key costs it microseconds), so what a
   * session keeps of them is bounded by count, not by their checks: past {@link
   * TrackerSession#MAX_MEMBERS} the longest-named is forgotten, as if it had left.
   */
  @Test
  void aTrackerNamingThousandsOfSignedMembersIsHeardUpToTheBound() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    Identity bob = Identity.generate();
    int named = TrackerSession.MAX_MEMBERS + 476;
    long now = System.currentTimeMillis();
    List<TrackerFrame> flood = new ArrayList<>();
    for (int i = 0; i < named; i++) {
      flood.add(signedMember(Identity.generate(), "m" + i, now));
    }
    Heard heard = floodAfterFirstRegistration(bob, flood);
    await().atMost(WAIT).until(() -> heard.refused.size() == 1);
    TrackerSessions s = session;
    List<PeerAddress> members = loop.submit(s::members).get();
    assertThat(members).hasSize(TrackerSession.MAX_MEMBERS);
    assertThat(members.stream().map(PeerAddress::nick))
        .contains("m" + (named - 1))
        .doesNotContain("m0", "m" + (named - TrackerSession.MAX_MEMBERS - 1));
    assertThat(heard.joined.get()).isEqualTo(named);
    assertThat(heard.left.get()).isEqualTo(named - TrackerSession.MAX_MEMBERS);
  }

  /** A member entry {@code id} signed itself, as a tracker lists it (docs/protocol.md). */
  private static TrackerFrame signedMember(Identity id, String nick, long nowMillis) {
    byte[] nonce = new byte[16];
    String host = "127.0.0.9";
    int port = 7002;
    byte[] signed =
        RegistrationKey.transcript(
            nonce, host, ROOM, id.peerId().toBytes(), nick, "", port, nowMillis);
    return joined(
        Member.newBuilder()
            .setPeerId(ByteString.copyFrom(id.peerId().toBytes()))
            .setNick(nick)
            .setHost(host)
            .setPort(port)
            .setPublicKey(ByteString.copyFrom(id.publicKey()))
            .setSignature(ByteString.copyFrom(id.sign(signed)))
            .setTimestampMs(nowMillis)
            .setSessionNonce(ByteString.copyFrom(nonce))
            .setObservedHost(host)
            .setAdvertisedHost(""));
  }

  /**
   * A proxy in front of a real tracker: forwards every frame whole, both ways, records the peer's
   * Registers (their arrival, nanoTime) and Unregisters, and after each frame from the tracker
   * writes the frames {@code inject} names.
   */
  private static final class Injector implements AutoCloseable {
    final List<Long> registers = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger unregisters = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocket server;
    private final int upstream;
    private final Function<TrackerFrame, List<TrackerFrame>> inject;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    Injector(int upstream, Function<TrackerFrame, List<TrackerFrame>> inject) throws IOException {
      this.upstream = upstream;
      this.inject = inject;
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::accept, "injector-accept");
      accept.setDaemon(true);
      accept.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    private void accept() {
      while (!server.isClosed()) {
        Socket peer;
        try {
          peer = server.accept();
        } catch (IOException closed) {
          return; // closed by the test
        }
        connections.incrementAndGet();
        sockets.add(peer);
        try {
          Socket real = new Socket(InetAddress.getLoopbackAddress(), upstream);
          sockets.add(real);
          pump(peer, real, true);
          pump(real, peer, false);
        } catch (IOException e) {
          failures.add("upstream: " + e);
          closeQuietly(peer);
        }
      }
    }

    @Override
    public String toString() {
      return connections + " connections, " + registers.size() + " Registers, failures " + failures;
    }

    private void pump(Socket from, Socket to, boolean up) {
      Thread t =
          new Thread(
              () -> {
                try {
                  InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream();
                  while (true) {
                    // a varint32 length, then the frame: Protobuf's delimited form
                    TrackerFrame f = TrackerFrame.parseDelimitedFrom(in);
                    if (f == null) {
                      throw new EOFException();
                    }
                    if (up && f.hasRegister()) {
                      registers.add(System.nanoTime());
                    } else if (up && f.hasUnregister()) {
                      unregisters.incrementAndGet();
                    }
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    f.writeDelimitedTo(bytes);
                    if (!up) {
                      for (TrackerFrame extra : inject.apply(f)) {
                        extra.writeDelimitedTo(bytes);
                      }
                    }
                    out.write(bytes.toByteArray());
                    out.flush();
                  }
                } catch (IOException closed) {
                  if (!server.isClosed()) {
                    failures.add((up ? "up: " : "down: ") + closed);
                  }
                  closeQuietly(from);
                  closeQuietly(to);
                }
              },
              up ? "injector-up" : "injector-down");
      t.setDaemon(true);
      t.start();
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        sockets.forEach(Injector::closeQuietly);
      }
    }
  }
}
