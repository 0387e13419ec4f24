package meshchat.peer.runtime;

import meshchat.peer.link.Link;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;

/** The room's effects on real sockets: frames to links, deliveries to the listener. */
final class NodeEffects implements RoomEffects {
  private final PeerNode node;
  // Links written to since the last flush. Room thread only, like everything here.
  private final java.util.Set<Link> unflushed = new java.util.LinkedHashSet<>();

  NodeEffects(PeerNode node) {
    this.node = node;
  }

  @Override
  public void send(PeerId to, LinkMessage message) {
    Link l = node.linkTo(to);
    if (l != null) {
      l.write(message);
      if (unflushed.isEmpty()) {
        // runs after the tasks already queued on the room thread: a burst of sends (a fast
        // typist, a sync batch, a forward to many links) costs one flush per link, not one each
        node.execute(this::flushAll);
      }
      unflushed.add(l);
    }
  }

  private void flushAll() {
    for (Link l : unflushed) {
      l.flush();
    }
    unflushed.clear();
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

  @Override
  public void closeLink(PeerId peer, LinkMessage.Close reason) {
    Link l = node.linkTo(peer);
    if (l != null) {
      l.close(reason);
    }
  }
}
