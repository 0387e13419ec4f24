package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.fixture.net.SimNetwork;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.fixture.time.SkewedClock;
import meshchat.peer.limit.Counters;
import meshchat.peer.membership.Membership;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.membership.MembershipEffects;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.Room;
import meshchat.peer.room.RoomConfig;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.DeliveryLog;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;

/**
 * One simulated peer: the real {@link Room} over an {@link InMemoryMessageStore} and the real
 * {@link Membership} beside it, wired to the simulated network and tracker as the runtime wires
 * them to Netty and the tracker client. Every decision about links (whom to dial, redial, keep or
 * close) is the shipped {@code Membership}'s; this class only translates indexes to addresses,
 * keeps the peer cache (a file in a real data dir, here a bounded map that a wipe clears) and
 * records everything the room showed.
 *
 * <p>A crash drops the room without {@code stop()}; every timer and effect of that incarnation is
 * silenced. A restart builds a new room on the kept store (same instance) or on a fresh one.
 */
public final class SimPeer implements SimNetwork.Endpoint {
  /** As the runtime's peer cache file: enough for any room, and the least recently met go. */
  private static final int PEER_CACHE_ENTRIES = 128;

  /**
   * The ring of a peer's own queue: link delays and the room's short timers fit, longer timers wait
   * in its map; a ring of 1,024 ms per peer was about 100 KB each once its slots had their deques.
   */
  private static final int PEER_RING_MS = 64;

  /** Hears what peers do, for metrics. */
  public interface Listener {
    /** {@code peer} showed its own {@code message} at {@code timeMs}: it is durable, and sent. */
    void sent(SimPeer peer, ChatMessage message, long timeMs);

    void delivered(SimPeer peer, Delivered delivery);
  }

  /**
   * What every peer shares. {@code queue} runs what is not one peer's (faults, the network's own
   * events); each peer runs on a queue of its own ({@link #queue()}), and what it does to others
   * goes through {@link SimNetwork#defer} (or the network's own deferral), so that the peers of a
   * window may run on several threads and their effects land in one order.
   */
  public record World(
      EventQueue queue,
      SimNetwork network,
      SimTracker tracker,
      RoomConfig roomConfig,
      MembershipConfig membershipConfig,
      Listener listener,
      PeerDirectory directory,
      boolean chained,
      DeliveryLog.Messages delivered) {
    /** A world whose delivery logs number their messages in one table. */
    public World(
        EventQueue queue,
        SimNetwork network,
        SimTracker tracker,
        RoomConfig roomConfig,
        MembershipConfig membershipConfig,
        Listener listener,
        PeerDirectory directory,
        boolean chained) {
      this(
          queue,
          network,
          tracker,
          roomConfig,
          membershipConfig,
          listener,
          directory,
          chained,
          new DeliveryLog.Messages());
    }
  }

  private final int index;
  private final PeerId id;
  private final String name;
  private final PeerAddress address;
  private final World world;
  private final SkewedClock wallClock;
  private final EventQueue queue = new EventQueue(PEER_RING_MS);
  private final SplittableRandom random;
  private final Map<PeerId, PeerAddress> peerCache = new LinkedHashMap<>();
  private final List<Segment> segments = new ArrayList<>();
  private MessageStore store;
  private Room room;
  private Membership membership;
  private boolean alive;
  private int incarnation;
  private int storeGeneration;
  private long forkNotices;
  private int maxLinksHeld;
  private final MessageSigner signer;
  private Equivocator equivocator;

  public SimPeer(int index, World world, long skewMs, SplittableRandom random) {
    this.index = index;
    this.world = world;
    this.random = random;
    this.id = PeerId.random(random);
    this.name = "p" + index;
    this.address = new PeerAddress(id, name, "sim", index + 1);
    this.wallClock = new SkewedClock(queue, skewMs);
    this.signer = world.chained() ? new SimChainSigner() : MessageSigner.NONE;
  }

  /**
   * From its next message on, this peer signs two histories: peers of odd index get the second
   * (live, heads and history alike), the others the first. Needs a chained run ({@code
   * SimConfig.chained}).
   */
  public void equivocate() {
    if (signer == MessageSigner.NONE || !alive) {
      throw new IllegalStateException("only a live peer of a chained run can equivocate");
    }
    equivocator = new Equivocator(id, signer, store, room.ownSeq() + 1);
  }

  /**
   * The address peers exchange; the port encodes the index so a dial finds the peer. One instance,
   * which every peer cache, view and PeerList that names this peer shares.
   */
  public PeerAddress address() {
    return address;
  }

  /** Starts the first incarnation, or restarts after {@link #crash}. */
  public void start() {
    if (alive) {
      return;
    }
    boolean fresh = store == null;
    if (fresh) {
      store = new InMemoryMessageStore();
      storeGeneration++;
    }
    LinkedHashSet<MessageId> restored = new LinkedHashSet<>();
    store.history(Integer.MAX_VALUE).forEach(m -> restored.add(m.id()));
    store.waiting().forEach(restored::remove); // held back, not shown: they wait again
    segments.add(new Segment(queue.now(), restored, new DeliveryLog(world.delivered())));
    alive = true;
    incarnation++;
    int inc = incarnation;
    PeerScheduler scheduler = new PeerScheduler(queue, () -> alive && incarnation == inc);
    room =
        new Room(
            world.roomConfig(),
            id,
            name,
            store,
            new Effects(inc),
            scheduler,
            wallClock,
            random.split(),
            new Counters(),
            signer);
    membership =
        new Membership(world.membershipConfig(), id, new Links(inc), scheduler, random.split());
    room.reaching(membership::dialing); // as the runtime wires it (its tracker answers at once)
    room.start(storeGeneration == 1 && incarnation == 1); // the first start made the identity
    membership.start(new ArrayList<>(peerCache.values()));
  }

  /** Stops dead: no Close, no flush. {@code keepStore=false} wipes the data directory too. */
  public void crash(boolean keepStore) {
    if (!alive) {
      return;
    }
    alive = false;
    room = null;
    membership = null;
    world.network().dropAll(index);
    if (!keepStore) {
      store = null;
      equivocator = null; // its second history died with the store
      storeGeneration++; // its data died now: messages only it held are lost with the store
      peerCache.clear(); // the peer cache lives in the data directory
    }
  }

  /**
   * Sends {@code text} as this peer; null if it is down or the message waits for the room's
   * self-fork check after a restart. The metrics hear of it when it is shown (durable), as a user
   * would see it.
   */
  public ChatMessage send(String text) {
    if (!alive) {
      return null;
    }
    return room.send(text);
  }

  @Override
  public boolean alive() {
    return alive;
  }

  @Override
  public void linkUp(int other, long connection, boolean dialedByUs) {
    membership.connected(connection, peerAt(other).address(), dialedByUs);
  }

  @Override
  public void linkDown(int other, long connection, LinkMessage.Close received) {
    membership.disconnected(connection, peerAt(other).id, received);
  }

  @Override
  public void dialEnded(int other) {
    membership.dialEnded(peerAt(other).id);
  }

  @Override
  public void receive(int from, LinkMessage message) {
    PeerId sender = world.directory().idAt(from); // its SimPeer is cold in a big run
    if (message instanceof LinkMessage.ViewMessage v) { // routed as the runtime routes it
      membership.receive(sender, v);
    } else {
      room.receive(sender, message);
    }
  }

  private SimPeer peerAt(int i) {
    return world.directory().get(i);
  }

  /**
   * What belongs to one incarnation of this peer: its effects do nothing once it crashed or was
   * restarted, so a timer or message of an earlier life cannot act on the current one.
   */
  private abstract class OfIncarnation {
    private final int inc;

    OfIncarnation(int inc) {
      this.inc = inc;
    }

    final boolean current() {
      return alive && incarnation == inc;
    }
  }

  private final class Effects extends OfIncarnation implements RoomEffects {
    Effects(int inc) {
      super(inc);
    }

    @Override
    public void send(PeerId to, LinkMessage message) {
      if (current()) {
        int other = indexOf(to);
        world
            .network()
            .send(
                index,
                other,
                equivocator != null && other % 2 == 1 ? equivocator.rewrite(message) : message);
      }
    }

    @Override
    public void commit() {
      // the in-memory store is durable at once; the report still comes as a later event
      queue.after(
          0,
          () -> {
            if (current()) {
              room.durable();
            }
          });
    }

    @Override
    public void deliver(Delivery d) {
      if (!current()) {
        return;
      }
      long now = queue.now();
      boolean own = d.message().origin().equals(id) && !d.catchUp(); // shown now: durable
      Delivered rec = new Delivered(now, d.message(), d.late(), d.catchUp(), d.incomplete());
      // the log numbers messages in a table of the run's, and the metrics are the run's: both in
      // peer order at the window's end
      world
          .network()
          .defer(
              index,
              (SimNetwork.Local)
                  () -> {
                    if (own) {
                      world.listener().sent(SimPeer.this, rec.message(), now);
                    }
                    segments.get(segments.size() - 1).deliveries().add(rec);
                    world.listener().delivered(SimPeer.this, rec);
                  });
    }

    @Override
    public void notice(RoomNotice notice) {
      if (current() && notice instanceof RoomNotice.Fork) {
        forkNotices++;
      }
    }

    @Override
    public void dial(PeerId namer, PeerAddress address) {
      if (current()) {
        membership.learned(namer, address);
      }
    }

    @Override
    public void closeLink(PeerId peer, LinkMessage.Close reason) {
      if (current()) {
        world.network().close(index, indexOf(peer), reason);
      }
    }
  }

  /** Membership's effects on the simulated network and tracker. */
  private final class Links extends OfIncarnation implements MembershipEffects {
    Links(int inc) {
      super(inc);
    }

    @Override
    public void dial(PeerAddress address) {
      if (current()) {
        world.network().dial(index, address.port() - 1);
      }
    }

    @Override
    public void send(PeerId peer, LinkMessage.ViewMessage message) {
      if (current()) {
        world.network().send(index, indexOf(peer), message);
      }
    }

    @Override
    public void close(long connection, LinkMessage.Close reason) {
      if (current()) {
        world.network().close(index, connection, reason);
      }
    }

    @Override
    public void linkUp(long connection, PeerAddress address) {
      if (current()) {
        room.linkUp(address, peerAt(address.port() - 1).lamport());
        maxLinksHeld = Math.max(maxLinksHeld, membership.linkCount());
      }
    }

    @Override
    public void linkDown(PeerId peer) {
      if (current()) {
        room.linkDown(peer);
      }
    }

    @Override
    public void peerUp(PeerId peer, String nick) {}

    @Override
    public void peerDown(PeerId peer, String nick) {}

    @Override
    public String sourceOf(PeerAddress address) {
      return "sim:" + address.port(); // every simulated peer has an address of its own
    }

    @Override
    public void remember(PeerAddress address) {
      if (current()) {
        peerCache.remove(address.peerId()); // re-insert: the least recently met goes first
        peerCache.put(address.peerId(), address);
        if (peerCache.size() > PEER_CACHE_ENTRIES) {
          peerCache.remove(peerCache.keySet().iterator().next());
        }
      }
    }

    @Override
    public void askForMembers() {
      if (!current()) {
        return;
      }
      // the tracker is the run's: asked in peer order at the window's end
      world.network().defer(index, this::announce);
    }

    private void announce() {
      List<PeerAddress> members = new ArrayList<>();
      for (int other : world.tracker().announce(index)) {
        members.add(peerAt(other).address());
      }
      // the answer arrives later, as a tracker's would; never back into membership at once
      queue.after(
          0,
          () -> {
            if (current()) {
              membership.membersFound(members);
            }
          });
    }
  }

  private int indexOf(PeerId peer) {
    return world.directory().indexOf(peer);
  }

  public PeerHistory history() {
    return history(false);
  }

  /**
   * What this peer did; with {@code storeView} its final store is a view of its store (see {@link
   * meshchat.testkit.SimCluster#finalHistory}), else a copy.
   */
  public PeerHistory history(boolean storeView) {
    List<ChatMessage> finalStore =
        store == null
            ? List.of()
            : storeView && store instanceof InMemoryMessageStore memory
                ? memory.inOrderView()
                : store.history(Integer.MAX_VALUE);
    return new PeerHistory(
        name,
        id,
        alive,
        List.copyOf(segments),
        finalStore,
        forkNotices,
        room == null ? Map.of() : room.equivocators());
  }

  public int index() {
    return index;
  }

  /** This peer's own events: its timers, what arrives at it, its sends of a workload. */
  public EventQueue queue() {
    return queue;
  }

  public PeerId id() {
    return id;
  }

  public String name() {
    return name;
  }

  public long lamport() {
    return room == null ? 0 : room.lamport();
  }

  /** Bumped when the store is replaced: a message sent in an older generation may be lost. */
  public int storeGeneration() {
    return storeGeneration;
  }

  public long storedCount() {
    return store == null ? 0 : store.count();
  }

  public Room room() {
    return room;
  }

  public Membership membership() {
    return membership;
  }

  /** The most links this peer held at once, over all its incarnations. */
  public int maxLinksHeld() {
    return maxLinksHeld;
  }
}
