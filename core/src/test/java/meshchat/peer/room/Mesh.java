package meshchat.peer.room;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import meshchat.fixture.net.SimNetwork;
import meshchat.fixture.net.SteppedWire;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.fixture.time.SkewedClock;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;

/**
 * A few {@link Room}s on the shared simulated network in its stepped form: every message a room
 * sends waits in flight until the test pumps it, in FIFO order per link (as TCP would deliver it),
 * and on the shared virtual clock. Links are made and broken by the test, not by membership. This
 * is a unit-test fixture for the core's rules; the testkit's simulation runs the same network
 * timed, with faults, under the real membership.
 */
final class Mesh {
  /** One message on the wire. */
  record Envelope(PeerId from, PeerId to, LinkMessage message) {}

  /** One room and everything it did. */
  final class Peer implements RoomEffects, SimNetwork.Endpoint {
    final String name;
    final int index;
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

    Peer(String name, int index, InMemoryMessageStore store) {
      this.name = name;
      this.index = index;
      // ids sort like the names, which keeps tie-breaks readable in tests
      this.id = PeerId.of(name.getBytes(StandardCharsets.UTF_8));
      this.store = store;
      this.nick = name;
      this.room = newRoom(true);
    }

    /**
     * Replaces this peer's room by a new one on {@code other} (a store with failing writes, one
     * that counts its reads), with the defaults and no signer, and starts it; link it afterwards.
     */
    void roomOn(MessageStore other, long seed) {
      roomOn(other, seed, RoomConfig.defaults());
    }

    /** As {@link #roomOn(MessageStore, long)}, with {@code config}. */
    void roomOn(MessageStore other, long seed, RoomConfig config) {
      room =
          new Room(
              config,
              id,
              name,
              other,
              this,
              scheduler,
              wallClock,
              new SplittableRandom(seed),
              new Counters(),
              MessageSigner.NONE);
      room.start(true);
    }

    private Room newRoom(boolean newIdentity) {
      Room r =
          new Room(
              config,
              id,
              nick,
              store,
              this,
              scheduler,
              wallClock,
              new SplittableRandom(name.hashCode()),
              new Counters(),
              chained ? new TestChainSigner() : MessageSigner.NONE);
      r.start(newIdentity);
      return r;
    }

    PeerAddress address() {
      return new PeerAddress(id, name, "127.0.0.1", 7000 + index);
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
      network.send(index, byId(to).index, message);
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

    /** What the room took back of what it delivered (a rolled-back write): not shown after all. */
    final List<MessageId> undelivered = new ArrayList<>();

    @Override
    public void undeliver(MessageId id) {
      undelivered.add(id);
      for (int i = deliveries.size() - 1; i >= 0; i--) {
        if (deliveries.get(i).message().id().equals(id)) {
          deliveries.remove(i);
          break;
        }
      }
    }

    @Override
    public void dial(PeerId namer, PeerAddress address) {
      dials.add(address);
    }

    @Override
    public void closeLink(PeerId peer, LinkMessage.Close reason) {
      closes.add(reason);
    }

    @Override
    public boolean alive() {
      return true;
    }

    @Override
    public void linkUp(int other, long connection, boolean dialedByUs) {
      Peer o = byIndex.get(other);
      room.linkUp(o.address(), hellos.get(o.index), sources.get(o.index), networks.get(o.index));
    }

    @Override
    public void linkDown(int other, long connection, LinkMessage.Close received) {
      room.linkDown(byIndex.get(other).id);
    }

    @Override
    public void receive(int from, LinkMessage message) {
      room.receive(byIndex.get(from).id, message);
      commitNow(); // the end of the burst
    }

    @Override
    public void dialEnded(int other) {}
  }

  /** Virtual time: nothing runs until the test advances it. */
  final EventQueue time = new EventQueue();

  final PeerScheduler scheduler = new PeerScheduler(time);
  final SkewedClock wallClock = new SkewedClock(time, 0);
  final RoomConfig config;
  private final boolean chained;
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final List<Peer> byIndex = new ArrayList<>();
  private final SimNetwork network = SimNetwork.stepped(time, byIndex::get);
  private final SteppedWire wire = network.wire();
  private final Map<Integer, Long> hellos = new HashMap<>(); // Lamport clocks as a Hello sent them
  // the source (address or /64) a peer's links come from, as the link layer reports it; none: the
  // peer is a source of its own
  private final Map<Integer, String> sources = new HashMap<>();
  private final Map<Integer, String> networks = new HashMap<>();

  /** Every message any room sent, in order, including ones dropped for want of a link. */
  final List<Envelope> sent = new ArrayList<>();

  /**
   * A hand-made line of {@code origin} at {@code lamport} naming {@code deps}, as a hostile or
   * foreign peer might send (text "t" + seq, wall time 1,000, nick "x").
   */
  static ChatMessage chat(PeerId origin, long seq, long lamport, MessageId... deps) {
    return new ChatMessage(
        new MessageId(origin, seq), lamport, 1_000, "x", "t" + seq, List.of(deps));
  }

  /**
   * A hostile sync batch: {@code question}'s line 1 at {@code lamport}, then {@code replies} lines
   * of {@code replier} stamped at the question's own time and naming it, each refused as backdated
   * (stored there, never shown: {@code BatchBackdatedTest}). The question is the batch's first
   * message.
   */
  static LinkMessage.SyncBatch questionWithBackdatedReplies(
      PeerId question, PeerId replier, long lamport, int replies) {
    ChatMessage q = chat(question, 1, lamport);
    List<ChatMessage> batch = new ArrayList<>(replies + 1);
    batch.add(q);
    for (int s = 1; s <= replies; s++) {
      batch.add(chat(replier, s, lamport, q.id()));
    }
    return new LinkMessage.SyncBatch(1, batch, true, List.of());
  }

  Mesh(RoomConfig config, String... names) {
    this(config, false, names);
  }

  /**
   * With {@code chained}, every room chains its messages and signs heads ({@link TestChainSigner}).
   */
  Mesh(RoomConfig config, boolean chained, String... names) {
    this.config = config;
    this.chained = chained;
    for (int i = 0; i < names.length; i++) {
      network.addPeer();
      Peer p = new Peer(names[i], i, new InMemoryMessageStore());
      peers.put(names[i], p);
      byIndex.add(p);
    }
  }

  /**
   * alice, bob and carol in a full mesh, alice's first message ("warm") shown by both others: each
   * is on alice's broadcast tree, with alice its parent.
   */
  static Mesh warmedTrio(RoomConfig config) {
    Mesh mesh = new Mesh(config, "alice", "bob", "carol").fullMesh();
    mesh.run(10);
    mesh.peer("alice").send("warm");
    mesh.run(10);
    return mesh;
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

  /**
   * {@code name}'s links come from {@code source} (an address or a /64, as the link layer counts
   * it), from the next link on: peers given one source share it, as two keys on one host do.
   */
  Mesh source(String name, String source) {
    sources.put(peer(name).index, source);
    return this;
  }

  /**
   * As {@link #source(String, String)}, in {@code network} (e.g. the /48 of a /64): peers given one
   * network share what the room counts per network.
   */
  Mesh source(String name, String source, String network) {
    sources.put(peer(name).index, source);
    networks.put(peer(name).index, network);
    return this;
  }

  /** Both sides finish a handshake, as the link layer would report it. */
  Mesh link(String a, String b) {
    Peer pa = peer(a);
    Peer pb = peer(b);
    hellos.put(pa.index, pa.room.lamport());
    hellos.put(pb.index, pb.room.lamport());
    network.connect(pa.index, pb.index);
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
    network.reset(peer(a).index, peer(b).index);
    return this;
  }

  boolean isLinked(Peer a, Peer b) {
    return network.linked(a.index, b.index);
  }

  /** Messages from {@code from} to {@code to} wait (in order) until {@link #unblock}. */
  Mesh block(String from, String to) {
    wire.hold(peer(from).index, peer(to).index);
    return this;
  }

  Mesh unblock(String from, String to) {
    wire.release(peer(from).index, peer(to).index);
    return this;
  }

  /** Puts a message on the wire as if {@code from}'s room had sent it. */
  /**
   * {@code to} comes to hold one line of each of {@code authors} authors (origins {@code a0 hi lo},
   * seq 1), fed to it by {@code feeder} over a link made here, 100 to a sync batch.
   */
  Mesh holdsOneLineEach(String feeder, String to, int authors) {
    link(feeder, to).run(1_000);
    List<ChatMessage> lines = new ArrayList<>();
    for (int i = 0; i < authors; i++) {
      lines.add(chat(PeerId.of(new byte[] {(byte) 0xa0, (byte) (i >> 8), (byte) i}), 1, 10 + i));
    }
    for (int i = 0; i < authors; i += 100) {
      inject(
          feeder,
          to,
          new LinkMessage.SyncBatch(
              1, lines.subList(i, Math.min(i + 100, authors)), true, List.of()));
      run(100);
    }
    return run(1_000);
  }

  void inject(String from, String to, LinkMessage message) {
    sent.add(new Envelope(peer(from).id, peer(to).id, message));
    network.inject(peer(from).index, peer(to).index, message);
  }

  private Peer byId(PeerId id) {
    for (Peer p : peers.values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalStateException("unknown peer " + id);
  }

  /** Delivers the oldest deliverable message; false if none. */
  boolean deliverNext() {
    return wire.deliverNext();
  }

  /** Delivers everything deliverable, including what the deliveries cause. */
  /**
   * Line {@code k} of {@code lines} by {@code authors[k % authors.length]}, "k filler", each
   * delivered everywhere before the next: authors taking turns line by line, each line naming the
   * others' latest (a lively room, the throughput bench's shape).
   */
  Mesh takeTurns(String[] authors, int lines, String filler) {
    for (int k = 0; k < lines; k++) {
      peer(authors[k % authors.length]).send(k + " " + filler);
      pump();
    }
    return this;
  }

  Mesh pump() {
    for (int i = 0; wire.deliverNext(); i++) {
      if (i > 1_000_000) {
        throw new AssertionError("the rooms never go quiet");
      }
    }
    return this;
  }

  /** Advances virtual time in small steps, pumping after every timer. */
  Mesh run(long millis) {
    long until = time.now() + millis;
    pump();
    while (time.runNext(until)) {
      peers.values().forEach(Peer::commitNow);
      pump();
    }
    time.runUntil(until);
    return this;
  }

  /** Advances virtual time, running timers but delivering nothing: messages stay on the wire. */
  Mesh tick(long millis) {
    long until = time.now() + millis;
    while (time.runNext(until)) {
      peers.values().forEach(Peer::commitNow);
    }
    time.runUntil(until);
    return this;
  }

  /** The links with a message waiting, as (from, to) pairs, in a stable order. */
  List<List<PeerId>> busyLinks() {
    return wire.busy().stream()
        .map(d -> List.of(byIndex.get(d.get(0)).id, byIndex.get(d.get(1)).id))
        .toList();
  }

  /** Delivers the oldest message on one link: an interleaving chosen by the test. */
  void deliverOn(List<PeerId> link) {
    wire.deliverOn(byId(link.get(0)).index, byId(link.get(1)).index);
  }

  int inFlight() {
    return wire.inFlight();
  }

  /** Messages of {@code type} sent so far, optionally only those matching {@code which}. */
  <T extends LinkMessage> List<T> sentOf(Class<T> type, Predicate<Envelope> which) {
    return sent.stream()
        .filter(e -> type.isInstance(e.message()) && which.test(e))
        .map(e -> type.cast(e.message()))
        .collect(Collectors.toList());
  }

  /** The messages {@code from} sent {@code to} in history batches (sync and graft answers). */
  long batchedMessages(String from, String to) {
    return sentOf(LinkMessage.SyncBatch.class, from(from).and(to(to))).stream()
        .mapToLong(b -> b.messages().size())
        .sum();
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
