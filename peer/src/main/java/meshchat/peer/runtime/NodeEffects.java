package meshchat.peer.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.link.Link;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.MessageStore;

/**
 * The room's effects on real sockets: frames to links, deliveries to the listener.
 *
 * <p>Frames are not written at once: they wait until the room thread has run the events already
 * queued (a burst), then the store commits once and only then do the frames reach the links, in the
 * order the room sent them, with one flush per link. That is group commit: a burst of messages
 * costs one SQLite commit and one syscall per link instead of one of each per message, and
 * write-before-send still holds, because nothing leaves before the commit that made it durable.
 * Room thread only, like everything here.
 */
final class NodeEffects implements RoomEffects {
  private final PeerNode node;
  private final MessageStore store;
  private final List<Link> pendingLinks = new ArrayList<>();
  private final List<LinkMessage> pendingMessages = new ArrayList<>(); // null = close after
  private final List<LinkMessage.Close> pendingCloses = new ArrayList<>();
  private final Set<Link> toFlush = new LinkedHashSet<>();
  private boolean endQueued;

  NodeEffects(PeerNode node, MessageStore store) {
    this.node = node;
    this.store = store;
  }

  @Override
  public void send(PeerId to, LinkMessage message) {
    Link l = node.linkTo(to);
    if (l != null) {
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

  /** Commit, then write and flush in order. Also run directly before the node closes. */
  void endBurst() {
    node.flushHead(); // one signature for the burst's own messages, sent after them
    endQueued = false;
    store.commit();
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

  @Override
  public void deliver(Delivery delivery) {
    node.noteLamport();
    node.listener().delivered(delivery);
  }

  @Override
  public void notice(RoomNotice notice) {
    node.listener().notice(notice);
  }

  @Override
  public void dial(LinkMessage.PeerAddress address) {
    node.dialFromRoom(address);
  }
}
