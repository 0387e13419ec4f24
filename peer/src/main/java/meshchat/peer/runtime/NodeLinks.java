package meshchat.peer.runtime;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import meshchat.peer.discovery.PeerCache;
import meshchat.peer.link.Link;
import meshchat.peer.link.netty.HostResolver;
import meshchat.peer.link.netty.LinkEndpoint;
import meshchat.peer.membership.Membership;
import meshchat.peer.membership.MembershipEffects;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Room;
import meshchat.wire.NetGroup;
import meshchat.wire.SourceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership's effects on real sockets: connection numbers to Netty links, dials to the endpoint,
 * links to the room, joins and leaves to the listener, addresses to the peer cache. It decides
 * nothing: {@link Membership} does. Room thread only.
 */
public final class NodeLinks implements MembershipEffects {
  private static final Logger log = LoggerFactory.getLogger(NodeLinks.class);

  private final Executor roomThread;
  private final PeerListener listener;
  private final PeerCache cache;
  private final String roomName;
  private final LongSupplier wallMillis;
  private final String tag;
  private final Map<Long, Link> byConnection = new HashMap<>();
  private final Map<Link, Long> connections = new IdentityHashMap<>();
  private final Map<PeerId, Link> active = new HashMap<>();
  private Membership membership;
  private Room room;
  private LinkEndpoint endpoint;
  private Link pendingUp; // during connected(): its Neighbor or Join goes before linkUp
  private HeapSettle.Hold
      settleHold; // this node's hold on the JVM's collection, while it catches up
  private long nextConnection;
  private volatile int linkCount;

  /**
   * @param wallMillis the wall clock, for the peer cache's last-seen times
   */
  public NodeLinks(
      Executor roomThread,
      PeerListener listener,
      PeerCache cache,
      String roomName,
      LongSupplier wallMillis,
      String tag) {
    this.tag = tag;
    this.roomThread = roomThread;
    this.listener = listener;
    this.cache = cache;
    this.roomName = roomName;
    this.wallMillis = wallMillis;
  }

  /** What these links serve: built after them, since the room's effects look links up here. */
  public void bind(Membership membership, Room room, LinkEndpoint endpoint) {
    this.membership = membership;
    this.room = room;
    this.endpoint = endpoint;
  }

  /** A handshaken connection: number it and let membership decide what becomes of it. */
  void handshaken(Link link) {
    long id = ++nextConnection;
    byConnection.put(id, link);
    connections.put(link, id);
    pendingUp = link;
    try {
      membership.connected(id, addressOf(link), link.dialedByUs());
    } finally {
      pendingUp = null;
    }
  }

  void closed(Link link) {
    Long id = connections.remove(link);
    if (id != null) {
      byConnection.remove(id);
      membership.disconnected(id, link.peer(), link.closeReceived());
    }
  }

  /** The link the room talks to {@code peer} over, or null. */
  public Link linkTo(PeerId peer) {
    return active.get(peer);
  }

  Iterable<Link> links() {
    return active.values();
  }

  /** Safe to read on any thread. */
  int linkCount() {
    return linkCount;
  }

  @Override
  public void dial(PeerAddress a) {
    endpoint
        .dial(HostResolver.address(a.host(), a.port())) // a name is looked up off this thread
        .whenComplete((v, e) -> roomThread.execute(() -> membership.dialEnded(a.peerId())));
  }

  @Override
  public void send(PeerId peer, LinkMessage.ViewMessage message) {
    Link l = active.get(peer);
    if (l == null) {
      l = pendingUp; // the link membership is about to report up
    }
    if (l != null && l.peer().equals(peer)) {
      l.write(message);
      l.flush();
    }
  }

  @Override
  public void close(long connection, Close reason) {
    Link l = byConnection.get(connection);
    if (l != null) {
      l.close(reason);
    }
  }

  @Override
  public boolean open(long connection) {
    Link l = byConnection.get(connection);
    if (l != null && !l.isOpen()) {
      log.info("{} link {} is closed, its report not yet handled; replaced", tag, l);
      byConnection.remove(connection);
      connections.remove(l);
      return false;
    }
    return true;
  }

  @Override
  public void linkUp(long connection, PeerAddress address) {
    Link l = byConnection.get(connection);
    active.put(address.peerId(), l);
    linkCount = active.size();
    cache.linked(roomName, address.peerId(), true, wallMillis.getAsLong());
    long ours = room.lamport();
    room.linkUp(address, l.hello().lamport(), sourceOf(address), NetGroup.site(address.host()));
    log.info("{} link up: {} ({})", tag, l, address.nick());
    if (settleHold == null && bringsCatchUp(ours, l.hello().lamport())) {
      settleHold = HeapSettle.jvm().hold(); // released when the room has caught up
    }
    HeapSettle.jvm().linkUp(); // the start's state made old once, at the JVM's first link
  }

  /**
   * How far ahead a linked peer's clock (its Hello's) must be for a catch-up to follow: more than
   * one sync request's worth of messages. Only whether the JVM's one full collection waits for it
   * ({@link HeapSettle#hold}) hangs on this.
   */
  static final long CATCH_UP_LAMPORTS = 1_024;

  static boolean bringsCatchUp(long ours, long theirs) {
    return theirs > ours && theirs - ours > CATCH_UP_LAMPORTS;
  }

  /** The room caught up with what its links hold: the heap may settle now. */
  public void caughtUp() {
    if (settleHold != null) {
      settleHold.release();
      settleHold = null;
    }
  }

  @Override
  public void linkDown(PeerId peer) {
    Link l = active.remove(peer);
    cache.linked(roomName, peer, false, wallMillis.getAsLong());
    if (l != null) {
      Close why = l.closeReceived();
      log.info("{} link down: {} ({})", tag, l, why == null ? "no Close" : why.reason());
    }
    linkCount = active.size();
    room.linkDown(peer);
  }

  @Override
  public void peerUp(PeerId peer, String nick) {
    listener.peerUp(peer, nick);
  }

  @Override
  public void peerDown(PeerId peer, String nick) {
    listener.peerDown(peer, nick);
  }

  /** Per-source bounds count a link's far end by its {@link SourceKey}: IPv4 address or /64. */
  @Override
  public String sourceOf(PeerAddress address) {
    return SourceKey.text(address.host());
  }

  /** The per-group bound of accepted links counts a far end by its {@link NetGroup}. */
  @Override
  public String groupOf(PeerAddress address) {
    return NetGroup.text(address.host());
  }

  @Override
  public void remember(PeerAddress address) {
    cache.seen(roomName, address, wallMillis.getAsLong());
  }

  @Override
  public void askForMembers() {
    // the tracker session pushes every join as it happens: nothing to ask
  }

  /** Where the peer listens: the address the link came from, with the Hello's port. */
  static PeerAddress addressOf(Link link) {
    String host =
        link.remoteAddress() == null ? "" : link.remoteAddress().getAddress().getHostAddress();
    return new PeerAddress(link.peer(), link.hello().nick(), host, link.hello().listenPort());
  }
}
