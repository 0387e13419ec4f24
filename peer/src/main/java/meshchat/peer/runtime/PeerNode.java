package meshchat.peer.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntFunction;
import meshchat.peer.discovery.PeerCache;
import meshchat.peer.discovery.TrackerSessions;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.link.Link;
import meshchat.peer.link.netty.LinkEndpoint;
import meshchat.peer.membership.Membership;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Room;
import meshchat.peer.room.SyncStatus;
import meshchat.peer.store.MessageStore;
import meshchat.tracker.metrics.LatencyHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running peer: a {@link Room} and its {@link Membership} on one {@link RoomThread}, links on
 * the shared I/O threads, and its tracker sessions. The API the CLI, the testkit's real-socket
 * cluster and benchmarks use; {@code app/NodeAssembly} builds it:
 *
 * <pre>{@code
 * try (PeerGroups groups = PeerGroups.create(2, 2)) {            // shared by all nodes
 *   PeerNode a = NodeAssembly.start(PeerConfig.of("lobby", "ann", idA).withTracker(t, false),
 *       new InMemoryMessageStore(), groups, listenerA);           // listener sees deliveries
 *   a.send("hello");                                              // never blocks
 *   a.close();                                                    // Close LEAVING, unregister
 * }
 * }</pre>
 *
 * It decides nothing: every call hops to the room thread and hands over to the room, membership or
 * the tracker sessions. The node owns the store.
 */
public final class PeerNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerNode.class);

  /**
   * A peer's pieces, built and wired by the composition root ({@code app/NodeAssembly}).
   *
   * @param effects the room's effects (group commit, frames to links)
   * @param links membership's effects and the link table
   * @param reports what the tracker sessions report to
   * @param trackers the tracker sessions for the port listened on; null without a tracker
   * @param startProblems lines for the listener once ready (a damaged peer cache)
   */
  public record Parts(
      PeerConfig config,
      RoomThread thread,
      MessageStore store,
      PeerListener listener,
      Room room,
      Membership membership,
      NodeEffects effects,
      HeadPacer heads,
      NodeLinks links,
      LinkEndpoint endpoint,
      PeerCache cache,
      LocalHello hello,
      PeerView view,
      Counters counters,
      LatencyHistogram commitLatency,
      TrackerReports reports,
      IntFunction<TrackerSessions> trackers,
      List<String> startProblems) {}

  private final Parts parts;
  private final PeerConfig config;
  private final RoomThread thread;
  private final Room room;
  private final Membership membership;
  private final NodeLinks links;
  private final LocalHello hello;
  private final Counters counters;
  private final String tag;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> stoppedFully = new CompletableFuture<>();
  private TrackerSessions trackers; // room thread only

  private PeerNode(Parts parts) {
    this.parts = parts;
    this.config = parts.config();
    this.thread = parts.thread();
    this.room = parts.room();
    this.membership = parts.membership();
    this.links = parts.links();
    this.hello = parts.hello();
    this.counters = parts.counters();
    this.tag = "[" + config.self().shortHex() + "]";
  }

  /**
   * Listens, loads the room from the store, reports {@link PeerListener#ready} and starts the
   * tracker sessions. Returns once listening.
   *
   * @param newIdentity the identity was created for this start, so the first message need not wait
   *     for the self-fork check (nothing of this origin can exist yet)
   */
  public static PeerNode start(Parts parts, boolean newIdentity) throws IOException {
    PeerNode node = new PeerNode(parts);
    PeerConfig config = node.config;
    node.hello.port(parts.endpoint().listen(config.listenHost(), config.port()));
    node.onLoop(
            () -> {
              node.room.start(newIdentity);
              node.hello.lamport(node.room.lamport());
              parts.listener().ready(parts.view());
              parts.startProblems().forEach(parts.listener()::error);
              List<PeerAddress> cached = parts.cache().peers(config.room());
              boolean hadCachedPeers =
                  cached.stream().anyMatch(a -> !a.peerId().equals(node.self()));
              node.membership.start(cached);
              if (parts.trackers() != null) {
                node.trackers = parts.trackers().apply(node.port());
                node.trackers.start();
              }
              parts.reports().started(parts.trackers() != null, hadCachedPeers);
              return null;
            })
        .join();
    log.info(
        "{} listening on {}:{} in room '{}'",
        node.tag,
        config.listenHost(),
        node.port(),
        config.room());
    return node;
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
    return hello.port();
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
    author(
        () -> {
          try {
            room.send(text, authored::complete);
            counters.add(Traffic.MESSAGES_AUTHORED, 1);
            hello.lamport(room.lamport());
          } catch (RuntimeException e) {
            log.warn("{} send failed", tag, e);
            authored.completeExceptionally(e);
          }
        });
    return authored;
  }

  /**
   * Runs {@code authoring} (a burst of our own) on the room thread, counted as an own send queued
   * until it starts: a head signed meanwhile may wait to cover its burst ({@link HeadPacer}).
   */
  private void author(Runnable authoring) {
    HeadPacer heads = parts.heads();
    heads.sendQueued();
    thread.execute(
        () -> {
          heads.sendTaken();
          authoring.run();
        });
  }

  /**
   * A peer heard of on the local network: dialed if links are wanted, cached only once its Hello
   * proves it. Never blocks.
   */
  public void hint(PeerAddress address) {
    thread.execute(
        () -> {
          if (!thread.stopped()) {
            membership.hinted(address);
          }
        });
  }

  /** Dials a peer directly (no tracker needed) and keeps redialing it until it is linked. */
  public void dial(PeerAddress address) {
    thread.execute(() -> membership.pin(address));
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
    hello.nick(newNick);
    CompletableFuture<ChatMessage> authored = new CompletableFuture<>();
    author(
        () -> {
          try {
            room.changeNick(newNick, authored::complete);
            hello.lamport(room.lamport());
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
    return hello.nick();
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
                linkInfos(),
                room.heldBackCount(),
                room.heldCount(),
                membership.knownCount(),
                trackers == null ? 0 : trackers.framesNotSent()));
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

  /** Authors over their quota here, each with the seq from which nothing of it is stored. */
  public CompletableFuture<Map<PeerId, Long>> overQuota() {
    return onLoop(room::overQuota);
  }

  /** How many of its trackers this peer is registered with now. */
  public CompletableFuture<Integer> trackersRegistered() {
    return onLoop(() -> trackers == null ? 0 : trackers.registered());
  }

  /** The last {@code limit} messages in canonical (Lamport, origin) order. */
  public CompletableFuture<List<ChatMessage>> history(int limit) {
    return onLoop(() -> room.history(limit));
  }

  /**
   * What {@code /history} lists: as {@link #history}, of the messages before {@code before} (null:
   * from the newest), with the lines shown before their head that wait for it ({@link
   * Room#shownBefore}).
   */
  public CompletableFuture<List<ChatMessage>> history(ChatMessage before, int limit) {
    return onLoop(() -> room.shownBefore(before, limit));
  }

  /** How often each limit was hit, by the links and the room (for /status). */
  public Counters counters() {
    return counters;
  }

  /** How long each group commit that stored messages took (for /metrics). */
  public LatencyHistogram commitLatency() {
    return parts.commitLatency();
  }

  /** How long each fsync of own commits took (the product's store; empty in the others). */
  public LatencyHistogram fsyncLatency() {
    return parts.effects().fsyncLatency();
  }

  /** How long each commit of own messages waited from its fsync's request to its report. */
  public LatencyHistogram durableLatency() {
    return parts.effects().durableLatency();
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
                  thread.stop();
                  List<CompletableFuture<Void>> fs = new ArrayList<>();
                  links.links().forEach(l -> fs.add(l.closed()));
                  membership.stop();
                  parts.effects().endBurst(); // own messages staged so far: durable, shown, sent
                  room.stop(); // Close LEAVING on every link, queued after pending writes
                  parts.effects().endBurst();
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
                thread.stop();
                membership.stop();
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
    Runnable leaving =
        onLoop(
                () -> {
                  parts.cache().flush(); // fresher last-seen times
                  return trackers == null
                      ? (Runnable) () -> {}
                      : trackers.stop(unregister ? 1_000 : 0);
                })
            .join();
    // the wait for the trackers' answers, here: the room thread runs the links of this node (and of
    // any other node on it), which must not stall meanwhile
    leaving.run();
    parts.endpoint().close();
    onLoop(
            () -> {
              parts.store().close();
              return null;
            })
        .join();
    log.info("{} stopped", tag);
  }

  private <T> CompletableFuture<T> onLoop(Callable<T> task) {
    return thread.call(task);
  }
}
