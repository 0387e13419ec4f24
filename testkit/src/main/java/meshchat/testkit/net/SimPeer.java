package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.Room;
import meshchat.peer.room.RoomConfig;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.testkit.check.Delivered;
import meshchat.testkit.check.PeerHistory;
import meshchat.testkit.check.Segment;
import meshchat.testkit.time.EventQueue;
import meshchat.testkit.time.PeerScheduler;
import meshchat.testkit.time.SkewedClock;

/**
 * One simulated peer: the real {@link Room} over an {@link InMemoryMessageStore}, plus the parts of
 * the product that sit around the room and are simulated here: discovery (tracker announce, a peer
 * cache, periodic redial) and the record of everything the room showed.
 *
 * <p>A crash drops the room without {@code stop()}; every timer and effect of that incarnation is
 * silenced. A restart builds a new room on the kept store (same instance) or on a fresh one.
 */
public final class SimPeer implements SimNetwork.Endpoint {
  /** Hears what peers do, for metrics. */
  public interface Listener {
    void sent(SimPeer peer, ChatMessage message);

    void delivered(SimPeer peer, Delivered delivery);
  }

  /** What every peer shares. */
  public record World(
      EventQueue queue,
      SimNetwork network,
      SimTracker tracker,
      RoomConfig roomConfig,
      long discoveryIntervalMs,
      Listener listener,
      PeerDirectory directory) {}

  private final int index;
  private final PeerId id;
  private final String name;
  private final World world;
  private final SkewedClock wallClock;
  private final SplittableRandom random;
  private final TreeSet<Integer> peerCache = new TreeSet<>();
  private final TreeSet<Integer> linked = new TreeSet<>();
  private final TreeSet<Integer> lost = new TreeSet<>(); // links that went down: redialed
  private final List<Segment> segments = new ArrayList<>();
  private MessageStore store;
  private Room room;
  private boolean alive;
  private int incarnation;
  private int storeGeneration;
  private long forkNotices;

  public SimPeer(int index, World world, long skewMs, SplittableRandom random) {
    this.index = index;
    this.world = world;
    this.random = random;
    this.id = PeerId.random(random);
    this.name = "p" + index;
    this.wallClock = new SkewedClock(world.queue(), skewMs);
  }

  /** The address peers exchange; the port encodes the index so a dial finds the peer. */
  public PeerAddress address() {
    return new PeerAddress(id, name, "sim", index + 1);
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
    segments.add(new Segment(world.queue().now(), restored, new ArrayList<>()));
    alive = true;
    linked.clear();
    incarnation++;
    int inc = incarnation;
    room =
        new Room(
            world.roomConfig(),
            id,
            name,
            store,
            new Effects(inc),
            new PeerScheduler(world.queue(), () -> alive && incarnation == inc),
            wallClock,
            random.split());
    room.start(storeGeneration == 1 && incarnation == 1); // the first start made the identity
    world.queue().after(random.nextLong(world.discoveryIntervalMs() / 10 + 1), () -> discover(inc));
  }

  /** Stops dead: no Close, no flush. {@code keepStore=false} wipes the data directory too. */
  public void crash(boolean keepStore) {
    if (!alive) {
      return;
    }
    alive = false;
    room = null;
    world.network().dropAll(index);
    if (!keepStore) {
      store = null;
      peerCache.clear(); // the peer cache lives in the data directory
      lost.clear();
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

  /**
   * Announce to the tracker, redial every lost link, then dial as many new members as the room
   * wants ({@link Room#linksWanted}) less the lost links being redialed, chosen uniformly from the
   * peer cache; again after a while. This is what the runtime does: its redialer keeps redialing
   * lost links whatever the count, and a fresh member is dialed only while the room wants links.
   */
  private void discover(int inc) {
    if (!alive || incarnation != inc) {
      return;
    }
    peerCache.addAll(world.tracker().announce(index));
    for (int other : lost) {
      world.network().dial(index, other);
    }
    // A lost link being redialed takes a slot, or every link reset would add a fresh link for
    // good; but at most half of them, so that dead neighbors cannot starve a peer of links.
    int want = room.linksWanted() - Math.min(lost.size(), world.roomConfig().maxLinks() / 2);
    if (want > 0) {
      List<Integer> fresh = new ArrayList<>();
      for (int other : peerCache) {
        if (other != index && !linked.contains(other) && !lost.contains(other)) {
          fresh.add(other);
        }
      }
      for (int i = 0; i < Math.min(want, fresh.size()); i++) {
        int j = i + random.nextInt(fresh.size() - i);
        int other = fresh.set(j, fresh.get(i));
        fresh.set(i, other);
        world.network().dial(index, other);
      }
    }
    long base = world.discoveryIntervalMs();
    world.queue().after(base * 3 / 4 + random.nextLong(base / 2 + 1), () -> discover(inc));
  }

  @Override
  public boolean alive() {
    return alive;
  }

  @Override
  public void linkUp(int other) {
    SimPeer p = peerAt(other);
    peerCache.add(other);
    linked.add(other);
    lost.remove(other);
    room.linkUp(p.address(), p.lamport());
  }

  @Override
  public void linkDown(int other) {
    linked.remove(other);
    lost.add(other);
    room.linkDown(peerAt(other).id);
  }

  @Override
  public void receive(int from, LinkMessage message) {
    room.receive(peerAt(from).id, message);
  }

  private SimPeer peerAt(int i) {
    return world.directory().get(i);
  }

  private final class Effects implements RoomEffects {
    private final int inc;

    Effects(int inc) {
      this.inc = inc;
    }

    private boolean current() {
      return alive && incarnation == inc;
    }

    @Override
    public void send(PeerId to, LinkMessage message) {
      if (current()) {
        world.network().send(index, indexOf(to), message);
      }
    }

    @Override
    public void commit() {
      // the in-memory store is durable at once; the report still comes as a later event
      world
          .queue()
          .after(
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
      if (d.message().origin().equals(id) && !d.catchUp()) {
        world.listener().sent(SimPeer.this, d.message()); // own, shown now: durable
      }
      Delivered rec =
          new Delivered(world.queue().now(), d.message(), d.late(), d.catchUp(), d.incomplete());
      segments.get(segments.size() - 1).deliveries().add(rec);
      world.listener().delivered(SimPeer.this, rec);
    }

    @Override
    public void notice(RoomNotice notice) {
      if (current() && notice instanceof RoomNotice.Fork) {
        forkNotices++;
      }
    }

    @Override
    public void dial(PeerAddress address) {
      if (current()) {
        peerCache.add(address.port() - 1);
        world.network().dial(index, address.port() - 1);
      }
    }

    @Override
    public void closeLink(PeerId peer, LinkMessage.Close reason) {
      if (current()) {
        world.network().reset(index, indexOf(peer));
      }
    }
  }

  private int indexOf(PeerId peer) {
    return world.directory().indexOf(peer);
  }

  public PeerHistory history() {
    List<ChatMessage> finalStore = store == null ? List.of() : store.history(Integer.MAX_VALUE);
    return new PeerHistory(name, id, alive, List.copyOf(segments), finalStore, forkNotices);
  }

  public int index() {
    return index;
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
}
