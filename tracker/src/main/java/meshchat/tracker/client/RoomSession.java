package meshchat.tracker.client;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Member;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.MemberLeft;
import meshchat.wire.Framing;

/**
 * One room's registration on a tracker session, in domain records: the boundary between a peer's
 * discovery and the tracker protocol's generated types (as ratis's {@code LogProtoUtils} is for its
 * log). Every member entry is checked here, against its signed statement at the injected clock's
 * time ({@link MemberStatements}): a peer sees only members whose statements hold, and why the rest
 * were refused.
 */
public final class RoomSession implements AutoCloseable {
  /** What the tracker pushes about the room. Called on the client's I/O thread: hand work over. */
  public interface Events {
    /** A member joined (or registered again, e.g. with a new nick); its statement holds. */
    void joined(PeerAddress member);

    /** A listed member whose signed statement does not hold ({@code why}): never to be dialed. */
    void refused(String why);

    void left(PeerId member);

    /** The session is closed, by either side; pending requests have failed. */
    void closed();
  }

  /**
   * What a registration answered.
   *
   * @param members the room's members the tracker listed whose statements hold (ours included)
   * @param refused why each of the others does not
   */
  public record Listing(List<PeerAddress> members, List<String> refused) {
    public Listing {
      members = List.copyOf(members);
      refused = List.copyOf(refused);
    }
  }

  private final TrackerClient client;
  private final String room;
  private final InstantSource clock;

  private RoomSession(TrackerClient client, String room, InstantSource clock) {
    this.client = client;
    this.room = room;
    this.clock = clock;
  }

  /** Requests of this session not sent, over the tracker's bound ({@link TrackerClient}). */
  public long framesNotSent() {
    return client.framesNotSent();
  }

  /**
   * Opens a session to {@code tracker} for {@code room}.
   *
   * @param clock the caller's wall clock: it stamps registrations and judges statements' age
   */
  public static CompletableFuture<RoomSession> connect(
      InetSocketAddress tracker,
      EventLoopGroup io,
      String room,
      Events events,
      InstantSource clock) {
    Members members = new Members(room, events, clock);
    return TrackerClient.connect(tracker, io, members, Framing.DEFAULT_MAX_FRAME_BYTES, clock)
        .thenApply(c -> new RoomSession(c, room, clock));
  }

  /**
   * Registers {@code self}, proven by {@code key}, listening on {@code port} at the address the
   * tracker sees this session from (and again, with a fresh statement, when called again).
   */
  public CompletableFuture<Listing> register(
      PeerId self, String nick, int port, RegistrationKey key) {
    return client
        .register(room, self.toBytes(), nick, "", port, key)
        .thenApply(
            reg -> {
              List<PeerAddress> members = new ArrayList<>();
              List<String> refused = new ArrayList<>();
              for (Member m : reg.getMembersList()) {
                String bad = MemberStatements.problem(room, m, clock.millis());
                if (bad == null) {
                  members.add(address(m));
                } else {
                  refused.add(bad);
                }
              }
              return new Listing(members, refused);
            });
  }

  /** Unregisters from the room; the session stays open. */
  public CompletableFuture<Void> unregister() {
    return client.unregister(room).thenApply(u -> null);
  }

  /** Closes the session; the tracker then drops its registration at once. */
  @Override
  public void close() {
    client.close();
  }

  private static PeerAddress address(Member m) {
    return new PeerAddress(
        PeerId.of(m.getPeerId().toByteArray()), m.getNick(), m.getHost(), m.getPort());
  }

  /** The pushes, checked and converted. */
  private static final class Members implements TrackerListener {
    private final String room;
    private final Events events;
    private final InstantSource clock;

    Members(String room, Events events, InstantSource clock) {
      this.room = room;
      this.events = events;
      this.clock = clock;
    }

    @Override
    public void memberJoined(MemberJoined joined) {
      Member m = joined.getMember();
      String bad = MemberStatements.problem(room, m, clock.millis());
      if (bad == null) {
        events.joined(address(m));
      } else {
        events.refused(bad);
      }
    }

    @Override
    public void memberLeft(MemberLeft left) {
      byte[] id = left.getPeerId().toByteArray();
      if (id.length > 0 && id.length <= PeerId.MAX_BYTES) { // no such member otherwise
        events.left(PeerId.of(id));
      }
    }

    @Override
    public void closed() {
      events.closed();
    }
  }
}
