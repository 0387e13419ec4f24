package meshchat.peer.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.link.Link;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.MessageStore;

/**
 * The room's effects on real sockets: commits, frames to links, deliveries to the listener.
 *
 * <p>Nothing happens at once: the room thread first runs the events already queued (a burst), then
 * the store commits once, then the room is told its own messages staged in the burst are durable
 * ({@link meshchat.peer.room.Room#durable}: it shows them and sends them), and only then do the
 * burst's frames reach the links, in the order the room sent them, with one flush per link. That is
 * group commit: a burst of messages costs one SQLite commit (one fsync) and one syscall per link
 * instead of one of each per message, and durable-before-shown-before-sent holds, because nothing
 * is shown or leaves before the commit that made it durable. A burst ends when the room asked for a
 * commit or queued a frame, whichever comes first; typing alone, with no link, is a burst too. Room
 * thread only, like everything here. The burst's chain head is signed right after its messages, or
 * held a few milliseconds while the room thread is behind ({@link HeadPacer}).
 */
final class NodeEffects implements RoomEffects {
  private final PeerNode node;
  private final MessageStore store;
  private final List<Link> pendingLinks = new ArrayList<>();
  private final List<LinkMessage> pendingMessages = new ArrayList<>(); // null = close after
  private final List<LinkMessage.Close> pendingCloses = new ArrayList<>();
  private final Set<Link> toFlush = new LinkedHashSet<>();
  private boolean endQueued;
  private boolean stored; // this burst delivered or wrote a message: its commit is timed

  NodeEffects(PeerNode node, MessageStore store) {
    this.node = node;
    this.store = store;
  }

  @Override
  public void send(PeerId to, LinkMessage message) {
    Link l = node.linkTo(to);
    if (l != null) {
      if (message instanceof LinkMessage.Chat c && !c.message().origin().equals(node.self())) {
        node.counters().add(Traffic.MESSAGES_FORWARDED, 1);
      }
      queue(l, message, null);
    }
  }

  @Override
  public void closeLink(PeerId peer, LinkMessage.Close reason) {
    Link l = node.linkTo(peer);
    if (l != null) {
      queue(l, null, reason); // after what was sent to it before, never ahead of it
    }
  }

  @Override
  public void commit() {
    endOfBurstSoon();
  }

  private void queue(Link l, LinkMessage message, LinkMessage.Close close) {
    pendingLinks.add(l);
    pendingMessages.add(message);
    pendingCloses.add(close);
    endOfBurstSoon();
  }

  /** Asks for {@link #endBurst} once the room thread has run what is queued now. */
  void endOfBurstSoon() {
    if (!endQueued) {
      endQueued = true;
      node.execute(this::endBurst);
    }
  }

  /**
   * Commit, tell the room (which shows its own messages and sends them: their frames join this
   * burst's), then write and flush in order. Also run directly before the node closes.
   */
  void endBurst() {
    endQueued = true; // what the room sends while told it is durable belongs to this burst
    try {
      boolean committed = false;
      long start = System.nanoTime();
      try {
        store.commit();
        committed = true;
      } catch (RuntimeException e) {
        node.commitFailed(e); // the burst's own messages are dropped: never shown, never sent
      }
      if (stored) {
        stored = false;
        node.commitLatency().record(System.nanoTime() - start);
      }
      if (committed) {
        node.durable(); // shown and sent; their head is signed now or held (HeadPacer)
        node.heads().published();
        commitHead();
      }
    } finally {
      endQueued = false;
    }
    for (int i = 0; i < pendingLinks.size(); i++) {
      Link l = pendingLinks.get(i);
      LinkMessage m = pendingMessages.get(i);
      if (m != null) {
        l.write(m);
        toFlush.add(l);
      } else {
        toFlush.remove(l);
        l.close(pendingCloses.get(i)); // Close goes out after everything written before it
      }
    }
    pendingLinks.clear();
    pendingMessages.clear();
    pendingCloses.clear();
    for (Link l : toFlush) {
      l.flush();
    }
    toFlush.clear();
  }

  /**
   * Commits the chain head the room signed once the burst was durable (and anything else it wrote
   * then): left open, that write would hold SQLite's write lock until the next burst, and `history`
   * on the live data dir would wait for it in vain. A failure loses only the head, which the peer
   * signs again at its next start.
   */
  private void commitHead() {
    try {
      store.commit();
    } catch (RuntimeException e) {
      node.counters().increment(Counters.Counter.INTERNAL_ERROR);
    }
  }

  @Override
  public void deliver(Delivery delivery) {
    stored = true;
    node.counters().add(Traffic.MESSAGES_DELIVERED, 1);
    node.noteLamport();
    node.listener().delivered(delivery);
  }

  @Override
  public void notice(RoomNotice notice) {
    node.listener().notice(notice);
  }

  @Override
  public void dial(PeerId namer, LinkMessage.PeerAddress address) {
    node.dialFromRoom(namer, address);
  }
}
