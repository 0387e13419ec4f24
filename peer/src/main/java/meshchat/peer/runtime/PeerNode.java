package meshchat.peer.runtime;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import meshchat.peer.discovery.PeerCache;
import meshchat.peer.discovery.TrackerSession;
import meshchat.peer.discovery.TrackerSessions;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.link.netty.LinkEndpoint;
import meshchat.peer.link.netty.LinkSetup;
import meshchat.peer.membership.Membership;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Room;
import meshchat.peer.room.SyncStatus;
import meshchat.peer.store.MessageStore;
import meshchat.tracker.client.RegistrationKey;
import meshchat.tracker.metrics.LatencyHistogram;
import meshchat.wire.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running peer: a {@link Room} on one room thread, its links on the shared I/O threads, and its
 * tracker session. Public API for the CLI, the testkit's real-socket cluster and benchmarks:
 *
 * <pre>{@code
 * try (PeerGroups groups = PeerGroups.create(2, 2)) {            // shared by all nodes
 *   PeerNode a = PeerNode.start(PeerConfig.of("lobby", "ann", idA).withTracker(t, false),
 *       new InMemoryMessageStore(), groups, listenerA);           // listener sees deliveries
 *   a.send("hello");                                              // never blocks
 *   a.close();                                                    // Close LEAVING, unregister
 * }
 * }</pre>
 *
 * All room calls run on the room thread; link events are handed over with {@code execute()}, so the
 * room needs no locks (MicroRaft's RaftNodeExecutor model). The node owns the store.
 */
public final class PeerNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerNode.class);

  private final PeerConfig config;
  private final PeerGroups groups;
  private final EventLoop loop;
  private final MessageStore store;
  private final PeerListener listener;
  private final String tag;
  private final NodeEffects effects;
  private final Room room;
  private final HeadPacer heads; // room thread only
  private final Counters counters = new Counters();
  private final LatencyHistogram commitLatency = new LatencyHistogram();
  private final LinkEndpoint endpoint;
  private final PeerCache cache; // room thread only
  private String cacheProblem;
  private final NodeLinks links; // room thread only
  private final Membership membership;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> stoppedFully = new CompletableFuture<>();
  private TrackerSessions trackers;
  private boolean hadCachedPeers; // room thread only
  private boolean findable; // room thread only

  /** How long {@link PeerListener#findable} waits for a tracker's first answer. */
  public static final long FINDABLE_WAIT_MS = 10_000;

  private boolean stopped;
  private volatile int port;
  private volatile long lamportHint;
  private volatile String nick;

  private PeerNode(
      PeerConfig config, MessageStore store, PeerGroups groups, PeerListener listener) {
    this.config = config;
    this.groups = groups;
    this.loop = groups.rooms().next();
    this.store = store;
    this.listener = listener;
    this.nick = config.nick();
    this.tag = "[" + config.self().shortHex() + "]";
    RandomGenerator random = new SplittableRandom(config.seed());
    this.effects = new NodeEffects(this, store);
    this.room =
        new Room(
            config.roomConfig(),
            config.self(),
            config.nick(),
            store,
            effects,
            new LoopScheduler(loop),
            InstantSource.system(),
            random,
            counters,
            MessageSigning.signer(config.identity(), config.room()));
    this.heads = new HeadPacer(loop, room);
    this.endpoint =
        new LinkEndpoint(
            groups.io(),
            loop, // links run on the room thread: no queue between a socket read and the room
            groups.verify(),
            new LinkSetup(
                config.linkConfig(),
                config.identity(),
                config.room(),
                this::hello,
                new Events(),
                tag,
                counters,
                config.roomKey()));
    this.cache =
        config.peerCache() == null
            ? PeerCache.none()
            : PeerCache.load(config.peerCache(), p -> cacheProblem = p);
    InstantSource wall = InstantSource.system();
    this.links = new NodeLinks(loop, endpoint, listener, cache, config.room(), wall::millis, tag);
    this.membership =
        new Membership(
            MembershipConfig.defaults()
                .withMaxLinks(config.roomConfig().maxLinks())
                .withRedial(config.linkConfig().redialMinMs(), config.linkConfig().redialMaxMs()),
            config.self(),
            links,
            new LoopScheduler(loop),
            random);
    links.bind(membership, room);
  }

  /**
   * Listens, loads the room from {@code store}, reports {@link PeerListener#ready} and starts a
   * session with each of {@link PeerConfig#trackers()}. Returns once listening.
   */
  public static PeerNode start(
      PeerConfig config, MessageStore store, PeerGroups groups, PeerListener listener)
      throws IOException {
    return start(config, store, groups, listener, false);
  }

  /**
   * As above; {@code newIdentity} says the identity was created for this start, so the first
   * message need not wait for the self-fork check (nothing of this origin can exist yet).
   */
  public static PeerNode start(
      PeerConfig config,
      MessageStore store,
      PeerGroups groups,
      PeerListener listener,
      boolean newIdentity)
      throws IOException {
    PeerNode node = new PeerNode(config, store, groups, listener);
    node.port = node.endpoint.listen(config.listenHost(), config.port());
    node.onLoop(
            () -> {
              node.room.start(newIdentity);
              node.lamportHint = node.room.lamport();
              listener.ready(node, node.port);
              if (node.cacheProblem != null) {
                listener.error(node.cacheProblem);
              }
              List<PeerAddress> cached = node.cache.peers(config.room());
              node.hadCachedPeers = cached.stream().anyMatch(a -> !a.peerId().equals(node.self()));
              node.membership.start(cached);
              if (!config.trackers().isEmpty()) {
                node.trackers =
                    new TrackerSessions(
                        config.trackers(),
                        config.hostTracker(),
                        config.trackerRetryMinMs(),
                        config.trackerRetryMaxMs(),
                        groups.io(),
                        node.loop,
                        new TrackerSession.Registration(
                            config.room(),
                            config.self(),
                            config.nick(),
                            node.port,
                            new RegistrationKey(
                                config.identity().publicKey(), config.identity()::sign)),
                        node.new Discovered(),
                        listener::info,
                        random(config),
                        node.tag);
                node.trackers.start();
                node.loop.schedule(
                    () -> node.findable(PeerListener.Findable.TIMEOUT),
                    FINDABLE_WAIT_MS,
                    TimeUnit.MILLISECONDS);
              } else {
                node.findable(PeerListener.Findable.NO_TRACKER);
              }
              return null;
            })
        .join();
    log.info(
        "{} listening on {}:{} in room '{}'",
        node.tag,
        config.listenHost(),
        node.port,
        config.room());
    return node;
  }

  /** The tracker sessions' generator: the same seed, a different stream from the room's. */
  private static RandomGenerator random(PeerConfig c) {
    return new SplittableRandom(c.seed() ^ 0x9E3779B97F4A7C15L);
  }

  // ---- the API ----

  public PeerId self() {
    return config.self();
  }

  /** Chat messages refused so far for a bad key or signature, on all links. */
  public long rejectedMessages() {
    return counters.get(Counters.Counter.BAD_SIGNATURE);
  }

  /** Whether {@link #close} or {@link #crash} has begun. */
  public boolean isClosed() {
    return closed.get();
  }

  public int port() {
    return port;
  }

  public PeerConfig config() {
    return config;
  }

  /** Peers linked now (updated on the room thread; safe to read anywhere). */
  public int linkCount() {
    return links.linkCount();
  }

  /**
   * Sends {@code text} to the room without blocking: on the room thread it is stamped and staged in
   * the store; at the end of the burst the store commits, then the message is shown (the listener's
   * {@link PeerListener#delivered}) and written to every link. The future completes with the
   * message when it is stamped, which right after a start may wait for the self-fork check ({@link
   * Room#send}).
   *
   * @throws IllegalArgumentException at once if the text is over {@code maxTextBytes}
   */
  public CompletableFuture<ChatMessage> send(String text) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.roomConfig().maxTextBytes()) {
      throw new IllegalArgumentException(
          "message of "
              + bytes
              + " bytes is over the limit of "
              + config.roomConfig().maxTextBytes()
              + "; not sent");
    }
    CompletableFuture<ChatMessage> authored = new CompletableFuture<>();
    execute(
        () -> {
          try {
            room.send(text, authored::complete);
            counters.add(Traffic.MESSAGES_AUTHORED, 1);
            lamportHint = room.lamport();
          } catch (RuntimeException e) {
            log.warn("{} send failed", tag, e);
            authored.completeExceptionally(e);
          }
        });
    return authored;
  }

  /**
   * A peer heard of on the local network: dialed if links are wanted, cached only once its Hello
   * proves it. Never blocks.
   */
  public void hint(PeerAddress address) {
    loop.execute(
        () -> {
          if (!stopped) {
            membership.hinted(address);
          }
        });
  }

  /** Dials a peer directly (no tracker needed) and keeps redialing it until it is linked. */
  public void dial(PeerAddress address) {
    loop.execute(() -> membership.pin(address));
  }

  /**
   * Changes the nick: a signed NICK event in this peer's chain tells the room (see {@link
   * Room#changeNick}); new links' Hellos and the tracker registrations carry the new nick.
   * Completes with the event once authored.
   *
   * @throws IllegalArgumentException if the nick is empty or too long
   */
  public CompletableFuture<ChatMessage> setNick(String newNick) {
    int bytes = newNick.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > Room.MAX_NICK_BYTES) {
      throw new IllegalArgumentException("a nick is 1.." + Room.MAX_NICK_BYTES + " bytes");
    }
    nick = newNick;
    CompletableFuture<ChatMessage> authored = new CompletableFuture<>();
    execute(
        () -> {
          try {
            room.changeNick(newNick, authored::complete);
            lamportHint = room.lamport();
            if (trackers != null) {
              trackers.renamed(newNick);
            }
          } catch (RuntimeException e) {
            log.warn("{} nick change failed", tag, e);
            authored.completeExceptionally(e);
          }
        });
    return authored;
  }

  public String nick() {
    return nick;
  }

  public CompletableFuture<List<LinkInfo>> links() {
    return onLoop(this::linkInfos);
  }

  /**
   * The links, messages held back, messages stored and peers known, read together on the room
   * thread.
   */
  public CompletableFuture<NodeGauges> gauges() {
    return onLoop(
        () ->
            new NodeGauges(
                linkInfos(), room.heldBackCount(), store.count(), membership.knownCount()));
  }

  private List<LinkInfo> linkInfos() {
    Map<PeerId, SyncStatus> sync = room.syncByPeer();
    List<LinkInfo> out = new ArrayList<>();
    for (Link l : links.links()) {
      out.add(
          new LinkInfo(
              l.peer(),
              l.hello().nick(),
              l.remoteAddress(),
              l.dialedByUs(),
              l.isOpen(),
              l.rttMillis(),
              sync.containsKey(l.peer()) ? sync.get(l.peer()).lag() : 0,
              sync.containsKey(l.peer()) ? sync.get(l.peer()).received() : 0));
    }
    return out;
  }

  /** Room members known from the trackers, each once (empty without one). */
  public CompletableFuture<List<PeerAddress>> members() {
    return onLoop(() -> trackers == null ? List.<PeerAddress>of() : trackers.members());
  }

  /** Authors proven to equivocate, each with the seq from which its history is disputed. */
  public CompletableFuture<Map<PeerId, Long>> equivocators() {
    return onLoop(room::equivocators);
  }

  /** How many of its trackers this peer is registered with now. */
  public CompletableFuture<Integer> trackersRegistered() {
    return onLoop(() -> trackers == null ? 0 : trackers.registered());
  }

  /** The last {@code limit} messages in canonical (Lamport, origin) order. */
  public CompletableFuture<List<ChatMessage>> history(int limit) {
    return onLoop(() -> room.history(limit));
  }

  /** How often each limit was hit, by the links and the room (for /status). */
  public Counters counters() {
    return counters;
  }

  /** How long each group commit that stored messages took (for /metrics). */
  public LatencyHistogram commitLatency() {
    return commitLatency;
  }

  /** Per linked peer: messages it holds that we lack (sync progress for /status). */
  public CompletableFuture<Map<PeerId, Long>> lagByPeer() {
    return onLoop(room::lagByPeer);
  }

  /** Runs {@code query} on the room thread with the room: for tests and diagnostics. */
  public <T> CompletableFuture<T> inspect(Function<Room, T> query) {
    return onLoop(() -> query.apply(room));
  }

  /**
   * Leaves: Close(LEAVING) on every link after what is already queued (so everything sent so far
   * reaches the peers linked now), unregisters from the tracker, closes sockets and the store.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      // a signal's shutdown hook and the main thread may both leave: the second waits for the
      // first, so that nothing (the event loops, the store) is torn down under a close in progress
      stoppedFully.join();
      return;
    }
    List<CompletableFuture<Void>> closing =
        onLoop(
                () -> {
                  stopped = true;
                  List<CompletableFuture<Void>> fs = new ArrayList<>();
                  links.links().forEach(l -> fs.add(l.closed()));
                  membership.stop();
                  effects.endBurst(); // own messages staged so far: durable, shown, sent
                  room.stop(); // Close LEAVING on every link, queued after pending writes
                  effects.endBurst();
                  return fs;
                })
            .join();
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.info("{} some links did not close in time", tag);
    }
    try {
      shutdown(true);
    } finally {
      stoppedFully.complete(null);
    }
  }

  /**
   * Stops abruptly, as a crash would: no Close, no unregister; sockets just close. For tests and
   * the testkit's {@code crash(i)}.
   */
  public void crash() {
    if (closed.compareAndSet(false, true)) {
      onLoop(
              () -> {
                stopped = true;
                membership.stop();
                heads.cancel();
                return null;
              })
          .join();
      try {
        shutdown(false);
      } finally {
        stoppedFully.complete(null);
      }
    }
  }

  private void shutdown(boolean unregister) {
    onLoop(
            () -> {
              if (trackers != null) {
                trackers.stop(unregister ? 1_000 : 0);
              }
              cache.flush(); // fresher last-seen times
              return null;
            })
        .join();
    endpoint.close();
    onLoop(
            () -> {
              store.close();
              return null;
            })
        .join();
    log.info("{} stopped", tag);
  }

  private LinkMessage.Hello hello() {
    return new LinkMessage.Hello(
        Framing.PROTOCOL_VERSION, config.self(), nick, config.room(), port, lamportHint);
  }

  // package-private hooks for NodeEffects, on the room thread
  Link linkTo(PeerId peer) {
    return links.linkTo(peer);
  }

  void dialFromRoom(PeerId namer, PeerAddress address) {
    membership.learned(namer, address);
  }

  void durable() {
    room.durable(false);
  }

  HeadPacer heads() {
    return heads;
  }

  void commitFailed(RuntimeException e) {
    int dropped = room.commitFailed();
    log.warn("{} commit failed; {} own messages dropped", tag, dropped, e);
    if (dropped > 0) {
      listener.error(
          "could not store "
              + dropped
              + " of your messages ("
              + e.getMessage()
              + "); they were not shown or sent");
    }
  }

  void noteLamport() {
    lamportHint = room.lamport();
  }

  PeerListener listener() {
    return listener;
  }

  /** Queues {@code task} on the room thread, after what is already queued. */
  void execute(Runnable task) {
    loop.execute(task);
  }

  String tag() {
    return tag;
  }

  private <T> CompletableFuture<T> onLoop(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Runnable r =
        () -> {
          try {
            f.complete(task.call());
          } catch (Throwable e) {
            log.warn("{} room task failed", tag, e);
            f.completeExceptionally(e);
          }
        };
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
    return f;
  }

  private void countReceived(LinkMessage message) {
    if (message instanceof LinkMessage.Chat) {
      counters.add(Traffic.MESSAGES_RECEIVED, 1);
    } else if (message instanceof LinkMessage.SyncBatch b) {
      counters.add(Traffic.MESSAGES_RECEIVED, b.messages().size());
    }
  }

  /** Membership's messages to membership, everything else to the room. */
  private void route(PeerId from, LinkMessage message) {
    if (message instanceof LinkMessage.ViewMessage v) {
      membership.receive(from, v);
    } else {
      room.receive(from, message);
    }
  }

  /**
   * Link events, in order. The links run on the room thread, so events arrive on it and run at
   * once; from any other thread they are queued to it.
   */
  private final class Events implements LinkEvents {
    @Override
    public void up(Link link) {
      onRoomThread(() -> contained(link, "link up", () -> links.handshaken(link)));
    }

    @Override
    public void received(Link link, List<LinkMessage> messages) {
      onRoomThread(
          () -> {
            for (LinkMessage message : messages) {
              if (stopped || links.linkTo(link.peer()) != link) {
                return;
              }
              countReceived(message);
              contained(link, "a frame", () -> route(link.peer(), message));
            }
            effects.endOfBurstSoon(); // group commit, then the replies go out
          });
    }

    @Override
    public void down(Link link) {
      onRoomThread(() -> contained(link, "link down", () -> links.closed(link)));
    }

    private void onRoomThread(Runnable event) {
      if (loop.inEventLoop()) {
        event.run();
      } else {
        loop.execute(event);
      }
    }
  }

  /**
   * Runs one link event on the room thread so that nothing it throws escapes: an exception there is
   * a bug, but it must cost only the link that caused it (closed, with the reason), never the room
   * thread and every other link with it.
   */
  private void contained(Link link, String what, Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      counters.increment(Counters.Counter.INTERNAL_ERROR);
      log.warn("{} handling {} from {} failed; closing that link", tag, what, link, e);
      link.close(
          new Close(
              CloseReason.PROTOCOL_ERROR,
              "could not handle " + what + " (" + e.getClass().getSimpleName() + ")"));
    }
  }

  /** Reports {@link PeerListener#findable} once, on the room thread, whichever comes first. */
  private void findable(PeerListener.Findable how) {
    if (!findable && !stopped) {
      findable = true;
      listener.findable(this, how);
    }
  }

  /** Members reported by the tracker: candidates for membership, or gone. */
  private final class Discovered implements TrackerSession.Members {
    @Override
    public void joined(PeerAddress member) {
      membership.membersFound(List.of(member));
    }

    @Override
    public void left(PeerId member) {
      membership.memberLeft(member);
    }

    @Override
    public void registered() {
      findable(PeerListener.Findable.REGISTERED);
    }

    @Override
    public void unreachable() {
      findable(PeerListener.Findable.UNREACHABLE);
    }

    @Override
    public void refused(String why) {
      counters.increment(Counters.Counter.TRACKER_MEMBER_REFUSED);
    }

    @Override
    public void noneFound() {
      if (!hadCachedPeers) {
        room.nobodyToAsk(); // no peer to link to: the first message need not wait for one
      }
    }
  }
}
