package meshchat.peer.membership;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.fixture.time.EventQueue;
import meshchat.fixture.time.PeerScheduler;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * A {@link Membership} on a scripted clock, with keys dialing from hosts the test names: what the
 * link-share tests ({@link LinkSharesTest}, {@link LinkGroupsTest}) drive.
 */
abstract class LinkTableFixture {
  final EventQueue time = new EventQueue();
  final PeerScheduler clock = new PeerScheduler(time);
  final Recorder fx = new Recorder();
  final Map<PeerId, String> hostOf = new HashMap<>();
  long nextConnection = 1;
  private final byte tag;

  /** {@code tag}: the first byte of every key's id, so each test's keys are its own. */
  LinkTableFixture(int tag) {
    this.tag = (byte) tag;
  }

  /** A throwaway key: peer number {@code n} (distinct ids for any n), dialing from {@code host}. */
  PeerAddress key(int n, String host) {
    byte[] b = {tag, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    PeerAddress a = new PeerAddress(PeerId.of(b), "k" + n, host, 7000);
    hostOf.put(a.peerId(), host);
    return a;
  }

  Membership member(MembershipConfig config) {
    Membership m =
        new Membership(config, PeerId.of(new byte[] {1}), fx, clock, new SplittableRandom(7));
    m.start(List.of());
    return m;
  }

  long connect(Membership m, PeerAddress a, boolean dialedByUs) {
    long c = nextConnection++;
    m.connected(c, a, dialedByUs);
    return c;
  }
}
