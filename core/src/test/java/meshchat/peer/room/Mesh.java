package meshchat.peer.room;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;

/**
 * A few {@link Room}s wired through a manual network: every message a room sends waits in a queue
 * until the test pumps it, in FIFO order per link (as TCP would deliver it). Time is virtual. This
 * is a unit-test fixture for the core's rules; the testkit's simulation is the full model.
 */
final class Mesh {
  /** One message on the wire. */
  record Envelope(PeerId from, PeerId to, LinkMessage message) {}

  /** One room and everything it did. */
  final class Peer implements RoomEffects {
    final String name;
    final PeerId id;
    InMemoryMessageStore store;
    Room room;
    final List<Delivery> deliveries = new ArrayList<>();
    final List<RoomNotice> notices = new ArrayList<>();
    final List<PeerAddress> dials = new ArrayList<>();
    final List<LinkMessage.Close> closes = new ArrayList<>();
    private boolean commitAsked;
    int commitsAsked;

    /** The nick the room starts with at the next restart (the name at first). */
    String nick;

    /** What this room showed and sent, in order: "shown TEXT", "sent TEXT to NAME". */
    final List<String> trace = new ArrayList<>();

    Peer(String name, InMemoryMessageStore store) {
      this.name = name;
      // ids sort like the names, which keeps tie-breaks readable in tests
      this.id = PeerId.of(name.getBytes(StandardCharsets.UTF_8));
      this.store = store;
      this.nick = name;
      this.room = newRoom(true);
    }

    private Room newRoom(boolean newIdentity) {
      Room r =
          chained
              ? new Room(
                  config,
                  id,
                  nick,
                  store,
                  this,
                  time,
                  time,
                  new SplittableRandom(name.hashCode()),
                  new meshchat.peer.limit.Counters(),
                  new TestChainSigner())
              : new Room(
                  config, id, nick, store, this, time, time, new SplittableRandom(name.hashCode()));
      r.start(newIdentity);
      return r;
    }

    PeerAddress address() {
      return new PeerAddress(id, name, "127.0.0.1", 7000 + names().indexOf(name));
    }

    /**
     * Sends as the runtime would, with the commit done at once: the message is shown and on the
     * wire when this returns (unless the room is still checking its own seqs after a restart:
     * null).
     */
    ChatMessage send(String text) {
      ChatMessage m = room.send(text);
      commitNow();
      return m;
    }

    /** Performs a commit the room asked for, as the runtime does at the end of a burst. */
    void commitNow() {
      if (commitAsked) {
        commitAsked = false;
        room.durable();
      }
    }

    @Override
    public void commit() {
      commitAsked = true;
      commitsAsked++;
    }

    /** A crash, then a start on {@code older}: a data dir restored from an old copy. */
    void restartOn(InMemoryMessageStore older) {
      store = older;
      restart();
    }

    /** Delivered texts, in the order this peer showed them. */
    List<String> shown() {
      return deliveries.stream().map(d -> d.message().text()).toList();
    }

    List<MessageId> shownIds() {
      return deliveries.stream().map(d -> d.message().id()).toList();
    }

    /** The canonical history from the store. */
    List<MessageId> history() {
      return room.history(Integer.MAX_VALUE).stream().map(ChatMessage::id).toList();
    }

    Delivery deliveryOf(MessageId id) {
      return deliveries.stream()
          .filter(d -> d.message().id().equals(id))
          .findFirst()
          .orElseThrow(() -> new AssertionError(name + " never delivered " + id));
    }

    <T extends RoomNotice> List<T> notices(Class<T> type) {
      return notices.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Simulates a crash that keeps the store: a new Room over the same data. */
    void restart() {
      for (Peer other : peers.values()) {
        if (other != this && isLinked(this, other)) {
          unlink(name, other.name);
        }
      }
      room.stop(); // only so that the dead room's timers stop firing; it has no links left
      room = newRoom(false);
    }

    @Override
    public void send(PeerId to, LinkMessage message) {
      Envelope e = new Envelope(id, to, message);
      sent.add(e);
      if (message instanceof LinkMessage.Chat c) {
        trace.add("sent " + c.message().text() + " to " + byId(to).name);
      }
      if (links.contains(Set.of(id, to))) {
        wire.add(e);
      }
    }

    @Override
    public void deliver(Delivery delivery) {
      deliveries.add(delivery);
      trace.add("shown " + delivery.message().text());
    }

    @Override
    public void notice(RoomNotice notice) {
      notices.add(notice);
    }

    @Override
    public void dial(PeerId namer, PeerAddress address) {
      dials.add(address);
    }

    @Override
    public void closeLink(PeerId peer, LinkMessage.Close reason) {
      closes.add(reason);
    }
  }

  final ManualScheduler time = new ManualScheduler();
  final RoomConfig config;
  private final boolean chained;
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Set<Set<PeerId>> links = new java.util.HashSet<>();
  private final Set<List<PeerId>> blocked = new java.util.HashSet<>();
  private final LinkedList<Envelope> wire = new LinkedList<>();

  /** Every message any room sent, in order, including ones dropped for want of a link. */
  final List<Envelope> sent = new ArrayList<>();

  Mesh(RoomConfig config, String... names) {
    this(config, false, names);
  }

  /**
   * With {@code chained}, every room chains its messages and signs heads ({@link TestChainSigner}).
   */
  Mesh(RoomConfig config, boolean chained, String... names) {
    this.config = config;
    this.chained = chained;
    for (String n : names) {
      peers.put(n, null);
    }
    for (String n : names) {
      peers.put(n, new Peer(n, new InMemoryMessageStore()));
    }
  }

  Peer peer(String name) {
    Peer p = peers.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no peer " + name);
    }
    return p;
  }

  List<String> names() {
    return List.copyOf(peers.keySet());
  }

  List<Peer> peers() {
    return List.copyOf(peers.values());
  }

  /** Both sides finish a handshake, as the link layer would report it. */
  Mesh link(String a, String b) {
    Peer pa = peer(a);
    Peer pb = peer(b);
    links.add(Set.of(pa.id, pb.id));
    long helloA = pa.room.lamport();
    long helloB = pb.room.lamport();
    pa.room.linkUp(pb.address(), helloB);
    pb.room.linkUp(pa.address(), helloA);
    return this;
  }

  /**
   * Links every pair, then lets the debounced PeerLists go out (one delay of virtual time, shorter
   * than a sync period), so that every room knows every other room's links, as in a settled mesh.
   */
  Mesh fullMesh() {
    List<String> ns = names();
    for (int i = 0; i < ns.size(); i++) {
      for (int j = i + 1; j < ns.size(); j++) {
        link(ns.get(i), ns.get(j));
      }
    }
    return run(config.peerListDelayMs());
  }

  /** The link breaks: whatever was in flight on it is lost, and both sides hear linkDown. */
  Mesh unlink(String a, String b) {
    Peer pa = peer(a);
    Peer pb = peer(b);
    links.remove(Set.of(pa.id, pb.id));
    wire.removeIf(e -> Set.of(e.from(), e.to()).equals(Set.of(pa.id, pb.id)));
    pa.room.linkDown(pb.id);
    pb.room.linkDown(pa.id);
    return this;
  }

  boolean isLinked(Peer a, Peer b) {
    return links.contains(Set.of(a.id, b.id));
  }

  /** Messages from {@code from} to {@code to} wait (in order) until {@link #unblock}. */
  Mesh block(String from, String to) {
    blocked.add(List.of(peer(from).id, peer(to).id));
    return this;
  }

  Mesh unblock(String from, String to) {
    blocked.remove(List.of(peer(from).id, peer(to).id));
    return this;
  }

  /** Puts a message on the wire as if {@code from}'s room had sent it. */
  void inject(String from, String to, LinkMessage message) {
    Envelope e = new Envelope(peer(from).id, peer(to).id, message);
    sent.add(e);
    wire.add(e);
  }

  private Peer byId(PeerId id) {
    for (Peer p : peers.values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalStateException("unknown peer " + id);
  }

  private void hand(Envelope e) {
    if (links.contains(Set.of(e.from(), e.to()))) {
      Peer to = byId(e.to());
      to.room.receive(e.from(), e.message());
      to.commitNow(); // the end of the burst
    }
  }

  /** Delivers the oldest deliverable message; false if none. */
  boolean deliverNext() {
    Iterator<Envelope> it = wire.iterator();
    while (it.hasNext()) {
      Envelope e = it.next();
      if (!blocked.contains(List.of(e.from(), e.to()))) {
        it.remove();
        hand(e);
        return true;
      }
    }
    return false;
  }

  /** Delivers everything deliverable, including what the deliveries cause. */
  Mesh pump() {
    for (int i = 0; deliverNext(); i++) {
      if (i > 1_000_000) {
        throw new AssertionError("the rooms never go quiet");
      }
    }
    return this;
  }

  /** Advances virtual time in small steps, pumping after every timer. */
  Mesh run(long millis) {
    long until = time.nowMillis() + millis;
    pump();
    while (time.runNext(until)) {
      peers.values().forEach(Peer::commitNow);
      pump();
    }
    time.advance(until - time.nowMillis());
    return this;
  }

  /** Advances virtual time, running timers but delivering nothing: messages stay on the wire. */
  Mesh tick(long millis) {
    long until = time.nowMillis() + millis;
    while (time.runNext(until)) {
      peers.values().forEach(Peer::commitNow);
    }
    time.advance(until - time.nowMillis());
    return this;
  }

  /** The links with a message waiting, as (from, to) pairs, in a stable order. */
  List<List<PeerId>> busyLinks() {
    return wire.stream()
        .filter(e -> !blocked.contains(List.of(e.from(), e.to())))
        .map(e -> List.of(e.from(), e.to()))
        .distinct()
        .toList();
  }

  /** Delivers the oldest message on one link: an interleaving chosen by the test. */
  void deliverOn(List<PeerId> link) {
    Iterator<Envelope> it = wire.iterator();
    while (it.hasNext()) {
      Envelope e = it.next();
      if (e.from().equals(link.get(0)) && e.to().equals(link.get(1))) {
        it.remove();
        hand(e);
        return;
      }
    }
  }

  int inFlight() {
    return wire.size();
  }

  /** Messages of {@code type} sent so far, optionally only those matching {@code which}. */
  <T extends LinkMessage> List<T> sentOf(Class<T> type, Predicate<Envelope> which) {
    return sent.stream()
        .filter(e -> type.isInstance(e.message()) && which.test(e))
        .map(e -> type.cast(e.message()))
        .collect(Collectors.toList());
  }

  <T extends LinkMessage> List<T> sentOf(Class<T> type) {
    return sentOf(type, e -> true);
  }

  Predicate<Envelope> to(String name) {
    PeerId id = peer(name).id;
    return e -> e.to().equals(id);
  }

  Predicate<Envelope> from(String name) {
    PeerId id = peer(name).id;
    return e -> e.from().equals(id);
  }
}
