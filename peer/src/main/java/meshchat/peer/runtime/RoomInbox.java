package meshchat.peer.runtime;

import java.util.List;
import java.util.Locale;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.membership.Membership;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Link events, in order: handshakes and closes to the link table, membership's messages to
 * membership, everything else to the room, and one group commit after each socket read's messages.
 * The links run on the room thread, so their events are handled at once, with no queue between a
 * socket read (or a finished signature check) and the room; from any other thread they are queued
 * to it.
 */
public final class RoomInbox implements LinkEvents {
  private static final Logger log = LoggerFactory.getLogger(RoomInbox.class);

  private final RoomThread thread;
  private final NodeLinks links;
  private final Room room;
  private final Membership membership;
  private final NodeEffects effects;
  private final Counters counters;
  private final String tag;

  public RoomInbox(
      RoomThread thread,
      NodeLinks links,
      Room room,
      Membership membership,
      NodeEffects effects,
      Counters counters,
      String tag) {
    this.thread = thread;
    this.links = links;
    this.room = room;
    this.membership = membership;
    this.effects = effects;
    this.counters = counters;
    this.tag = tag;
  }

  @Override
  public void up(Link link) {
    thread.runHere(() -> contained(link, "link up", () -> links.handshaken(link)));
  }

  @Override
  public void received(Link link, List<LinkMessage> messages) {
    thread.runHere(
        () -> {
          for (LinkMessage message : messages) {
            if (thread.stopped() || links.linkTo(link.peer()) != link) {
              return;
            }
            countReceived(message);
            // as contained(...), without a lambda per frame: one was allocated per message, and
            // each layer between here and the room is one more the JIT compiles it into
            try {
              route(link.peer(), message);
            } catch (RuntimeException e) {
              failed(link, "a frame", e);
            }
          }
          effects.endOfBurstSoon(); // group commit, then the replies go out
        });
  }

  @Override
  public void down(Link link) {
    Close why = link.closeSent() != null ? link.closeSent() : link.closeReceived();
    counters.linkClosed(
        why == null ? "none" : why.reason().name().toLowerCase(Locale.ROOT),
        link.closeSent() == null && why != null);
    thread.runHere(() -> contained(link, "link down", () -> links.closed(link)));
  }

  private void countReceived(LinkMessage message) {
    if (message instanceof LinkMessage.Chat) {
      counters.add(Traffic.MESSAGES_RECEIVED, 1);
    } else if (message instanceof LinkMessage.SyncBatch b) {
      counters.add(Traffic.MESSAGES_RECEIVED, b.messages().size());
    }
  }

  /** Membership's messages to membership, everything else to the room. */
  private void route(PeerId from, LinkMessage message) {
    if (message instanceof LinkMessage.ViewMessage v) {
      membership.receive(from, v);
    } else {
      room.receive(from, message);
    }
  }

  /**
   * Runs one link event on the room thread so that nothing it throws escapes: an exception there is
   * a bug, but it must cost only the link that caused it (closed, with the reason), never the room
   * thread and every other link with it.
   */
  private void contained(Link link, String what, Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      failed(link, what, e);
    }
  }

  /** What {@link #contained} does when the event threw: counted, logged, that link closed. */
  private void failed(Link link, String what, RuntimeException e) {
    counters.increment(Counters.Counter.INTERNAL_ERROR);
    log.warn("{} handling {} from {} failed; closing that link", tag, what, link, e);
    link.close(
        new Close(
            CloseReason.PROTOCOL_ERROR,
            "could not handle " + what + " (" + e.getClass().getSimpleName() + ")"));
  }
}
