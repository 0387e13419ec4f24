package meshchat.peer.runtime;

import java.util.List;
import meshchat.peer.discovery.TrackerSession;
import meshchat.peer.limit.Counters;
import meshchat.peer.membership.Membership;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Room;

/**
 * What the tracker sessions report, on the room thread: members are candidates for membership or
 * gone; the first registration, or knowing that none comes soon, makes the peer findable, which the
 * listener hears once ({@link PeerListener#findable}).
 */
public final class TrackerReports implements TrackerSession.Members {
  /** How long {@link PeerListener#findable} waits for a tracker's first answer. */
  public static final long FINDABLE_WAIT_MS = 10_000;

  private final RoomThread thread;
  private final Membership membership;
  private final Room room;
  private final Counters counters;
  private final PeerListener listener;
  private final PeerView view;
  private boolean hadCachedPeers;
  private boolean findable;

  public TrackerReports(
      RoomThread thread,
      Membership membership,
      Room room,
      Counters counters,
      PeerListener listener,
      PeerView view) {
    this.thread = thread;
    this.membership = membership;
    this.room = room;
    this.counters = counters;
    this.listener = listener;
    this.view = view;
  }

  /**
   * The node started: with trackers, findable once one answers or after {@link #FINDABLE_WAIT_MS};
   * without, findable now.
   *
   * @param hadCachedPeers the peer cache named another peer, so the room may wait for one
   */
  void started(boolean withTrackers, boolean hadCachedPeers) {
    this.hadCachedPeers = hadCachedPeers;
    if (withTrackers) {
      thread.schedule(() -> findable(PeerListener.Findable.TIMEOUT), FINDABLE_WAIT_MS);
    } else {
      findable(PeerListener.Findable.NO_TRACKER);
    }
  }

  @Override
  public void joined(PeerAddress member) {
    membership.membersFound(List.of(member));
  }

  @Override
  public void left(PeerId member) {
    membership.memberLeft(member);
  }

  @Override
  public void registered() {
    findable(PeerListener.Findable.REGISTERED);
  }

  @Override
  public void unreachable() {
    findable(PeerListener.Findable.UNREACHABLE);
  }

  @Override
  public void refused(String why) {
    counters.increment(Counters.Counter.TRACKER_MEMBER_REFUSED);
  }

  @Override
  public void noneFound() {
    if (!hadCachedPeers) {
      room.nobodyToAsk(); // no peer to link to: the first message need not wait for one
    }
  }

  /**
   * Whether discovery is still waiting for a tracker's first answer (registered, or none reachable;
   * at most {@link #FINDABLE_WAIT_MS}): until then the peer is not offline, it may yet be told of a
   * neighbour.
   */
  public boolean discovering() {
    return !findable;
  }

  /** Reports {@link PeerListener#findable} once, whichever comes first. */
  private void findable(PeerListener.Findable how) {
    if (!findable && !thread.stopped()) {
      findable = true;
      listener.findable(view, how);
    }
  }
}
