package meshchat.testkit.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.clock.ClockBound;
import meshchat.peer.frame.ChainCheck;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.frame.LinkFrameException;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.Room;
import meshchat.peer.room.RoomConfig;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.proto.v1.LinkFrame;

/**
 * A real room behind the codec and the signature check, fed what passed both: the state a hostile
 * member's validly signed messages reach. A finding is any exception (even one the room contained
 * and counted), a clock beyond what the clock bound allows, or a room that can no longer send. Time
 * moves 10 ms per input, so hold-back and request timers fire; the room starts over every {@link
 * #INPUTS_PER_ROOM} inputs so that memory stays small.
 */
final class RoomTarget implements RoomEffects, InstantSource {
  static final int INPUTS_PER_ROOM = 2_000;

  private final EventQueue time = new EventQueue();
  private int generation; // a room's timers die with it
  private int inputs;
  private long roomInputs;
  private long roomStart;
  private Room room;
  private ChainCheck check = new ChainCheck(Seeds.ROOM);
  private Counters counters;
  private long fed;

  /** Messages that passed decoding and the signature check and reached the room. */
  long fed() {
    return fed;
  }

  /**
   * Decodes the bodies of one input, authenticates their messages as a link does ({@link
   * ChainCheck}), and hands what passed to the room.
   */
  void feed(List<byte[]> bodies) {
    if (room == null || inputs++ % INPUTS_PER_ROOM == 0) {
      fresh();
    }
    List<LinkMessage> passed = new ArrayList<>();
    try {
      for (byte[] body : bodies) {
        LinkMessage m = LinkCodec.fromFrame(LinkFrame.parseFrom(body));
        if (m instanceof LinkMessage.Chat c) {
          check.onChat(c.message());
        } else if (m instanceof LinkMessage.Head h) {
          passed.addAll(check.onHead(h.head()));
        } else if (m instanceof LinkMessage.SyncBatch b) {
          passed.add(check.onBatch(b));
        } else {
          passed.add(m);
        }
      }
    } catch (LinkFrameException | ChainCheck.Refused | InvalidProtocolBufferException refused) {
      check = new ChainCheck(Seeds.ROOM); // the link layer closes with a reason; a new link
      return;
    }
    for (LinkMessage m : passed) {
      feedOne(m);
    }
  }

  private void feedOne(LinkMessage m) {
    roomInputs++;
    if (!(m instanceof LinkMessage.Head)) {
      fed++;
    }
    room.receive(Seeds.OTHER, m);
    advance(10);
    if (counters.get(Counters.Counter.INTERNAL_ERROR) != 0) {
      throw new FuzzTargets.Finding("the room threw on " + m + " (contained)", null);
    }
    // the most the bound lets peers move the clock, plus a few ticks of our own per input
    long allowed =
        ClockBound.BURST
            + ClockBound.RATE_PER_SECOND * ((time.now() - roomStart) / 1000 + 1)
            + 10L * roomInputs;
    if (room.lamport() > allowed) {
      throw new FuzzTargets.Finding("the clock ran to " + room.lamport() + " on " + m, null);
    }
    try {
      room.send("still here");
      if (commitAsked) {
        commitAsked = false;
        room.durable();
      }
    } catch (RuntimeException e) {
      throw new FuzzTargets.Finding("the room cannot send after " + m + ": " + e, e);
    }
  }

  private void fresh() {
    check = new ChainCheck(Seeds.ROOM);
    int g = ++generation;
    roomInputs = 0;
    roomStart = time.now();
    counters = new Counters();
    room =
        new Room(
            RoomConfig.defaults(),
            Seeds.SELF,
            "self",
            new InMemoryMessageStore(),
            this,
            new PeerScheduler(time, () -> generation == g),
            this,
            new SplittableRandom(7),
            counters,
            MessageSigner.NONE);
    room.start();
    room.linkUp(new LinkMessage.PeerAddress(Seeds.OTHER, "other", "127.0.0.1", 5000), 3);
  }

  private void advance(long ms) {
    time.advance(ms);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(1_700_000_000_000L + time.now());
  }

  @Override
  public void send(PeerId to, LinkMessage message) {}

  @Override
  public void commit() {
    commitAsked = true; // the store is in memory: durable once the current call returns
  }

  private boolean commitAsked;

  @Override
  public void deliver(Delivery delivery) {}

  @Override
  public void notice(RoomNotice notice) {}

  @Override
  public void dial(PeerId namer, LinkMessage.PeerAddress address) {}

  @Override
  public void closeLink(PeerId peer, LinkMessage.Close reason) {}
}
