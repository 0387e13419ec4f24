package meshchat.peer.discovery;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * This peer's standing with every tracker it was given, as BitTorrent clients treat an announce
 * list (BEP 12) with every tier tried: one {@link TrackerSession} per address, each registering,
 * retrying and re-registering on its own, so the room is found while any one of them is up. What
 * they report is merged: a member is announced once, when the first tracker names it (or names it
 * at a new address), and gone only when every tracker that named it says it left. A tracker that
 * goes away takes nobody with it: its members stay known, as with a single tracker.
 *
 * <p>Room loop only, like the sessions.
 */
public final class TrackerSessions {
  private final List<TrackerSession> sessions = new ArrayList<>();
  private final TrackerSession.Members members;
  private final InstantSource clock;

  /** Requests not sent to any tracker, over its bound ({@link TrackerSession#framesNotSent}). */
  public long framesNotSent() {
    long n = 0;
    for (TrackerSession s : sessions) {
      n += s.framesNotSent();
    }
    return n;
  }

  /** For each member: the sessions that name it now. */
  private final Map<PeerId, Set<Integer>> namedBy = new HashMap<>();

  /** Sessions whose attempts failed and that have not registered since. */
  private final Set<Integer> failing = new HashSet<>();

  /** Sessions that found nobody: registered with no other member named, or unreachable. */
  private final Set<Integer> foundNone = new HashSet<>();

  private boolean toldNone;

  /** For each member: the address last passed on. */
  private final Map<PeerId, PeerAddress> announced = new LinkedHashMap<>();

  /**
   * @param addresses the trackers, at least one; {@code mayHost} only with exactly one
   * @param say one line for the user, per tracker ("tracker HOST:PORT unreachable, retrying")
   * @param clock the peer's wall clock: stamps registrations, judges members' statements
   */
  public TrackerSessions(
      List<InetSocketAddress> addresses,
      boolean mayHost,
      long retryMinMs,
      long retryMaxMs,
      EventLoopGroup io,
      EventExecutor loop,
      TrackerSession.Registration registration,
      TrackerSession.Members members,
      Consumer<String> say,
      RandomGenerator random,
      InstantSource clock,
      String tag) {
    if (addresses.isEmpty() || (mayHost && addresses.size() != 1)) {
      throw new IllegalArgumentException("one tracker to host, or any number not hosted");
    }
    this.members = members;
    this.clock = clock;
    for (int i = 0; i < addresses.size(); i++) {
      sessions.add(
          new TrackerSession(
              addresses.get(i),
              mayHost,
              retryMinMs,
              retryMaxMs,
              io,
              loop,
              registration,
              new Merged(i),
              say,
              random,
              clock,
              addresses.size() == 1 ? tag : tag + "[t" + i + "]"));
    }
  }

  public void start() {
    sessions.forEach(TrackerSession::start);
  }

  /** The nick changed: every session registers it (see {@link TrackerSession#renamed}). */
  public void renamed(String nick) {
    sessions.forEach(s -> s.renamed(nick));
  }

  /** Room members named by any tracker, each once, for /who. */
  public List<PeerAddress> members() {
    return new ArrayList<>(announced.values());
  }

  /** Trackers this peer is registered with now. */
  public int registered() {
    int n = 0;
    for (TrackerSession s : sessions) {
      n += s.registered() ? 1 : 0;
    }
    return n;
  }

  /**
   * Stops retrying and unregisters from every tracker (on the loop the sessions run on). Returns
   * the rest, to run off that loop and the I/O threads: it waits for the answers, all within about
   * {@code waitMs} together (a tracker that does not answer costs the rest nothing beyond that),
   * and closes the sessions.
   */
  public Runnable stop(long waitMs) {
    List<TrackerSession.Leaving> leaving = new ArrayList<>();
    for (TrackerSession s : sessions) {
      leaving.add(s.stop()); // every unregister is sent now, so they are answered together
    }
    return () -> {
      long deadline = clock.millis() + waitMs;
      for (TrackerSession.Leaving l : leaving) {
        l.finish(Math.max(0, deadline - clock.millis()));
      }
    };
  }

  /** One session's reports, folded into the merged view. */
  private final class Merged implements TrackerSession.Members {
    private final int session;

    Merged(int session) {
      this.session = session;
    }

    @Override
    public void joined(PeerAddress member) {
      namedBy.computeIfAbsent(member.peerId(), p -> new HashSet<>()).add(session);
      if (!member.equals(announced.get(member.peerId()))) {
        announced.put(member.peerId(), member);
        members.joined(member);
      }
    }

    @Override
    public void registered() {
      failing.remove(session);
      members.registered();
    }

    @Override
    public void refused(String why) {
      members.refused(why);
    }

    /**
     * Passed on once, only when every tracker found nobody and none named anyone before: one
     * tracker's empty answer says nothing about the room while another names members (the self-fork
     * check must then wait for them, not author at once as if alone).
     */
    @Override
    public void noneFound() {
      foundNone.add(session);
      if (!toldNone && foundNone.size() == sessions.size() && announced.isEmpty()) {
        toldNone = true;
        members.noneFound();
      }
    }

    /** Passed on only when every tracker is failing: one is enough to be found. */
    @Override
    public void unreachable() {
      failing.add(session);
      if (failing.size() == sessions.size()) {
        members.unreachable();
      }
    }

    @Override
    public void left(PeerId member) {
      Set<Integer> by = namedBy.get(member);
      if (by == null || !by.remove(session) || !by.isEmpty()) {
        return;
      }
      namedBy.remove(member);
      announced.remove(member);
      members.left(member);
    }
  }
}
