package meshchat.peer.app;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import meshchat.peer.discovery.PeerCache;
import meshchat.peer.discovery.TrackerSession;
import meshchat.peer.discovery.TrackerSessions;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.netty.LinkEndpoint;
import meshchat.peer.link.netty.LinkSetup;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.membership.Membership;
import meshchat.peer.room.Room;
import meshchat.peer.runtime.HeadPacer;
import meshchat.peer.runtime.LocalHello;
import meshchat.peer.runtime.NodeEffects;
import meshchat.peer.runtime.NodeLinks;
import meshchat.peer.runtime.NodeView;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.runtime.RoomInbox;
import meshchat.peer.runtime.RoomThread;
import meshchat.peer.runtime.TrackerReports;
import meshchat.peer.store.MessageStore;
import meshchat.tracker.client.RegistrationKey;
import meshchat.tracker.metrics.LatencyHistogram;

/**
 * The composition root of one peer: which clock, which random streams, which links, cache and
 * trackers, and how the room, membership and their adapters are wired to each other. The only place
 * that builds a {@link PeerNode}:
 *
 * <pre>{@code
 * try (PeerGroups groups = PeerGroups.create(2, 2)) {            // shared by all nodes
 *   PeerNode a = NodeAssembly.start(PeerConfig.of("lobby", "ann", idA).withTracker(t, false),
 *       new InMemoryMessageStore(), groups, listenerA);
 * }
 * }</pre>
 */
public final class NodeAssembly {
  private NodeAssembly() {}

  /** As below, for an identity that existed before this start. */
  public static PeerNode start(
      PeerConfig config, MessageStore store, PeerGroups groups, PeerListener listener)
      throws IOException {
    return start(config, store, groups, listener, false);
  }

  /**
   * Builds a peer on one room thread of {@code groups}, listens, and loads the room from {@code
   * store} (which the node then owns). Returns once listening.
   *
   * @param newIdentity the identity was created for this start: the first message need not wait for
   *     the self-fork check
   */
  public static PeerNode start(
      PeerConfig config,
      MessageStore store,
      PeerGroups groups,
      PeerListener listener,
      boolean newIdentity)
      throws IOException {
    return start(
        config, store, groups, listener, newIdentity, LinkTls.inBackground(config.identity()));
  }

  /**
   * As above, with the links' TLS begun before (a chat begins it as soon as it has its identity, so
   * that it is made while the history opens).
   */
  public static PeerNode start(
      PeerConfig config,
      MessageStore store,
      PeerGroups groups,
      PeerListener listener,
      boolean newIdentity,
      LinkTls tls)
      throws IOException {
    return PeerNode.start(parts(config, store, groups, listener, tls), newIdentity);
  }

  private static PeerNode.Parts parts(
      PeerConfig config,
      MessageStore store,
      PeerGroups groups,
      PeerListener listener,
      LinkTls tls) {
    String tag = "[" + config.self().shortHex() + "]";
    EventLoop loop = groups.rooms().next();
    RoomThread thread = new RoomThread(loop, tag);
    InstantSource wall = InstantSource.system(); // the peer's one wall clock
    RandomGenerator random = new SplittableRandom(config.seed());
    Counters counters = new Counters();
    LatencyHistogram commitLatency = new LatencyHistogram();
    List<String> startProblems = new ArrayList<>();
    PeerCache cache =
        config.peerCache() == null
            ? PeerCache.none()
            : PeerCache.load(config.peerCache(), startProblems::add);
    LocalHello hello = new LocalHello(config);

    // the room's effects look links up in the link table; both are bound once the room exists
    NodeLinks links = new NodeLinks(thread, listener, cache, config.room(), wall::millis, tag);
    NodeEffects effects =
        new NodeEffects(
            config.self(),
            store,
            links::linkTo,
            thread,
            counters,
            commitLatency,
            thread::nanoTime,
            listener,
            tag);
    Room room =
        new Room(
            config.roomConfig(),
            config.self(),
            config.nick(),
            store,
            effects,
            thread.scheduler(),
            wall,
            random,
            counters,
            MessageSigning.signer(config.identity(), config.room()));
    Membership membership =
        new Membership(config.membershipConfig(), config.self(), links, thread.scheduler(), random);
    // a burst's head is signed at once, or held a few ms while more own sends are queued
    HeadPacer heads = new HeadPacer(thread, room);
    effects.bind(
        () -> {
          room.durable(false);
          heads.published();
        },
        room::committed,
        commit -> {
          room.durable(commit, false);
          heads.published();
        },
        room::syncFailed,
        groups.store(), // own messages' fsyncs, off the room thread
        room::commitFailed,
        () -> hello.lamport(room.lamport()),
        membership::learned);
    LinkEndpoint endpoint =
        new LinkEndpoint(
            groups.io(),
            loop, // the links run on the room thread: no queue between a socket and the room
            groups.verify(), // chain signatures checked off it
            new LinkSetup(
                config.linkConfig(),
                config.identity(),
                config.room(),
                hello::hello,
                new RoomInbox(thread, links, room, membership, effects, counters, tag),
                tag,
                counters,
                config.roomKey()),
            tls);
    links.bind(membership, room, endpoint);
    effects.onCaughtUp(links::caughtUp);
    effects.onRolledBack(
        room::storeRolledBack); // what a rollback took, taken back from the room // a catch-up's
    // hold on the JVM's collection ends

    NodeView view = new NodeView(config, hello, thread, room);
    TrackerReports reports = new TrackerReports(thread, membership, room, counters, listener, view);
    // the self-fork check: a peer still dialing or waiting for the tracker is not offline
    room.reaching(() -> membership.dialing() || reports.discovering());
    IntFunction<TrackerSessions> trackers =
        config.trackers().isEmpty()
            ? null
            : port ->
                new TrackerSessions(
                    config.trackers(),
                    config.hostTracker(),
                    config.trackerRetryMinMs(),
                    config.trackerRetryMaxMs(),
                    groups.io(),
                    thread.loop(),
                    new TrackerSession.Registration(
                        config.room(),
                        config.self(),
                        config.nick(),
                        port,
                        new RegistrationKey(
                            config.identity().publicKey(), config.identity()::sign)),
                    reports,
                    listener::info,
                    // the same seed, a different stream from the room's
                    new SplittableRandom(config.seed() ^ 0x9E3779B97F4A7C15L),
                    wall,
                    tag);
    return new PeerNode.Parts(
        config,
        thread,
        store,
        listener,
        room,
        membership,
        effects,
        heads,
        links,
        endpoint,
        cache,
        hello,
        view,
        counters,
        commitLatency,
        reports,
        trackers,
        startProblems);
  }
}
