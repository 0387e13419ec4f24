package meshchat.peer.discovery;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import meshchat.peer.membership.Backoff;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.MemberStatements;
import meshchat.tracker.client.RegistrationKey;
import meshchat.tracker.client.RoomSession;
import meshchat.tracker.client.RoomSession.Listing;
import meshchat.tracker.client.TrackerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's standing with the tracker: connect, register, follow joins and leaves, and when the
 * session is lost for any reason, retry with exponential backoff and register again, forever. Links
 * are not touched meanwhile: the mesh lives without its tracker.
 *
 * <p>In default mode ({@code mayHost}) a failed connect makes this peer try to bind the tracker
 * address itself and host a {@link TrackerServer} in-process; whoever binds first hosts, the others
 * connect to it. After losing a session a default-mode peer waits a short random time first, so
 * that when the host quits one survivor takes over and the rest find it.
 *
 * <p>All state is touched only on the room's event loop ({@code loop}); the tracker client's
 * callbacks hop there. The tracker speaks to it in domain records ({@link RoomSession}), members
 * already checked against their signed statements.
 */
public final class TrackerSession {
  /** What the session reports to the peer, on the room loop. */
  public interface Members {
    void joined(PeerAddress member);

    void left(PeerId member);

    /**
     * The tracker named no other member of the room, or could not be reached: discovery through it
     * found nobody for now (members that join later still arrive through {@link #joined}).
     */
    default void noneFound() {}

    /** A registration succeeded (the first one, or again after the session was lost). */
    default void registered() {}

    /** An attempt to reach or register with the tracker failed (before retrying). */
    default void unreachable() {}

    /** The tracker listed a member whose signed statement does not hold ({@code why}): ignored. */
    default void refused(String why) {}
  }

  /**
   * What to register ({@code port} is the link listening port); {@code key} proves that {@code
   * self} is ours (the tracker requires it).
   */
  public record Registration(
      String room, PeerId self, String nick, int port, RegistrationKey key) {}

  private static final Logger log = LoggerFactory.getLogger(TrackerSession.class);

  private final InetSocketAddress address;
  private final boolean mayHost;
  private final long retryMinMs;
  private final long retryMaxMs;
  private final EventLoopGroup io;
  private final EventExecutor loop;
  private Registration registration;
  private final Members members;
  private final Consumer<String> say;
  private final RandomGenerator random;
  private final InstantSource clock;
  private final String tag;
  private final Map<PeerId, PeerAddress> known = new LinkedHashMap<>();
  private RoomSession client;
  // the tracker client's frames not sent (over the tracker's request bound), for /metrics: the
  // latest connection's, and the sum of those before it
  private RoomSession latest;
  private long notSentBefore;
  private TrackerServer hosted;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> resign;
  private int failures;

  /** Our expiry is being answered: a re-registration is waiting for its delay or its answer. */
  private boolean reregistering;

  private ScheduledFuture<?> reregister;

  /** Expiries close together, for the re-registration's backoff; reset after a quiet while. */
  private int expiries;

  private long lastExpiryMs;
  private boolean warned;
  private boolean stopped;

  public TrackerSession(
      InetSocketAddress address,
      boolean mayHost,
      long retryMinMs,
      long retryMaxMs,
      EventLoopGroup io,
      EventExecutor loop,
      Registration registration,
      Members members,
      Consumer<String> say,
      RandomGenerator random,
      InstantSource clock,
      String tag) {
    this.address = address;
    this.mayHost = mayHost;
    this.retryMinMs = retryMinMs;
    this.retryMaxMs = retryMaxMs;
    this.io = io;
    this.loop = loop;
    this.registration = registration;
    this.members = members;
    this.say = say;
    this.random = random;
    this.clock = clock;
    this.tag = tag;
  }

  /**
   * The nick changed: registered now, the registration is refreshed at once (the tracker tells the
   * room's members as a join with the new nick); otherwise the next registration carries it. Call
   * on the loop.
   */
  public void renamed(String nick) {
    Registration r = registration;
    registration = new Registration(r.room(), r.self(), nick, r.port(), r.key());
    RoomSession c = client;
    if (c != null) {
      registerOn(
          c,
          (reg, e) -> {
            if (e != null) {
              log.info("{} tracker refused the new nick: {}", tag, cause(e).getMessage());
            }
          });
    }
  }

  /**
   * Registers the current registration on {@code c}; {@code then} takes the answer on the loop, in
   * the order the tracker sent it among its pushes. The answer completes on the session's I/O
   * thread, which queues each push to the loop as it reads it; queued from there too, the answer
   * comes after the pushes sent before it. But when this loop was descheduled for a whole round
   * trip between sending the Register and attaching here, the answer is already in and the pushes
   * read after it are already queued: it is taken at once, not queued behind them (an expiry sent
   * after it, handled first, would be ignored as the news the re-registration answers, and the
   * registration the tracker dropped would stay dropped).
   */
  private void registerOn(RoomSession c, BiConsumer<Listing, Throwable> then) {
    Registration r = registration;
    c.register(r.self(), r.nick(), r.port(), r.key())
        .whenComplete(
            (reg, e) -> {
              if (loop.inEventLoop()) {
                then.accept(reg, e);
              } else {
                loop.execute(() -> then.accept(reg, e));
              }
            });
  }

  /** Starts connecting. Call on the loop. */
  public void start() {
    attempt();
  }

  /** Room members the tracker reported (a copy), for /who. Call on the loop. */
  public List<PeerAddress> members() {
    return new ArrayList<>(known.values());
  }

  public boolean registered() {
    return client != null;
  }

  public boolean hosting() {
    return hosted != null;
  }

  private String where() {
    return address.getHostString() + ":" + address.getPort();
  }

  /**
   * Requests this session's tracker clients did not send, over the tracker's bound (each failed its
   * request and logged one line), since the session started. Loop thread only.
   */
  public long framesNotSent() {
    return notSentBefore + (latest == null ? 0 : latest.framesNotSent());
  }

  private void attempt() {
    timer = null;
    if (stopped) {
      return;
    }
    Listener listener = new Listener();
    RoomSession.connect(address, io, registration.room(), listener, clock)
        .whenComplete(
            (c, e) ->
                loop.execute(
                    () -> {
                      if (c != null) {
                        if (latest != null) {
                          notSentBefore += latest.framesNotSent();
                        }
                        latest = c;
                      }
                      if (stopped) { // leaving: whatever happened is no news to the user
                        if (c != null) {
                          c.close();
                        }
                      } else if (e != null) {
                        connectFailed(e);
                      } else {
                        register(c, listener);
                      }
                    }));
  }

  private void register(RoomSession c, Listener listener) {
    registerOn(
        c,
        (reg, e) -> {
          if (stopped) { // leaving: a registration cut short is not a refusal
            c.close();
          } else if (e != null) {
            refused(c, e);
          } else {
            registered(c, listener, reg);
          }
        });
  }

  private void registered(RoomSession c, Listener listener, Listing reg) {
    client = c;
    listener.current = true;
    failures = 0;
    if (warned) {
      say.accept("tracker " + where() + " is back: registered");
      warned = false;
    }
    log.info(
        "{} registered in '{}' at {} with {} others",
        tag,
        registration.room(),
        where(),
        reg.members().size() + reg.refused().size());
    members.registered();
    resignLater(c);
    reg.refused().forEach(this::refusedMember);
    boolean anyone = false;
    for (PeerAddress m : reg.members()) {
      anyone |= joined(m);
    }
    if (!anyone) {
      members.noneFound();
    }
  }

  /**
   * A listed member's statement holds an hour after it was signed, and the tracker drops the entry
   * then: sign a fresh one on the same session well before, every {@link #RESIGN_MS}.
   */
  static final long RESIGN_MS = MemberStatements.LIFETIME.toMillis() / 3;

  private void resignLater(RoomSession c) {
    if (resign != null) {
      resign.cancel(false);
    }
    resign = loop.schedule(() -> resign(c), RESIGN_MS, TimeUnit.MILLISECONDS);
  }

  private void resign(RoomSession c) {
    resign = null;
    if (stopped || client != c) {
      return;
    }
    registerOn(
        c,
        (reg, e) -> {
          if (stopped || client != c) {
            return;
          }
          if (e == null) {
            resignLater(c);
          } else {
            // the session's end (its listener) registers again from scratch
            log.info("{} tracker refused a fresh statement: {}", tag, cause(e));
            c.close();
          }
        });
  }

  private void connectFailed(Throwable e) {
    if (mayHost && hosted == null && tryHost()) {
      attempt();
      return;
    }
    if (!warned) {
      say.accept("tracker " + where() + " unreachable, retrying");
      warned = true;
      members.noneFound();
    }
    members.unreachable();
    log.debug("{} tracker connect failed: {}", tag, cause(e));
    retryLater(backoff());
  }

  private void refused(RoomSession c, Throwable e) {
    c.close();
    Throwable cause = cause(e);
    log.info("{} tracker refused registration: {}", tag, cause.getMessage());
    members.unreachable();
    if (cause instanceof TrackerException t && !warned) {
      say.accept("tracker " + where() + " refused us: " + t.getMessage() + "; retrying");
      warned = true;
    }
    retryLater(backoff());
  }

  private boolean tryHost() {
    try {
      hosted =
          TrackerServer.start(
              TrackerConfig.defaults()
                  .with(
                      d -> {
                        d.bindHost = address.getHostString();
                        d.port = address.getPort();
                      }));
      say.accept("no tracker answered on " + where() + ": hosting one in this peer");
      return true;
    } catch (IOException | RuntimeException e) {
      log.debug("{} cannot host a tracker: {}", tag, e.toString());
      return false;
    }
  }

  private void lost() {
    client = null;
    cancelReregister();
    if (stopped) {
      return;
    }
    log.info("{} lost the tracker session", tag);
    // default mode: a short random pause, so one survivor binds the address and the rest find it
    retryLater(mayHost ? 100 + random.nextInt(500) : backoff());
  }

  private void cancelReregister() {
    if (reregister != null) {
      reregister.cancel(false);
      reregister = null;
    }
    reregistering = false;
  }

  private void retryLater(long ms) {
    if (!stopped && timer == null) {
      timer = loop.schedule(this::attempt, ms, TimeUnit.MILLISECONDS);
    }
  }

  private long backoff() {
    return Backoff.delayMs(retryMinMs, retryMaxMs, failures++, random);
  }

  /**
   * The tracker dropped our own registration (its MemberLeft names us: heartbeats that a busy event
   * loop sent late, docs/protocol.md): register again on the same session. Until then nobody who
   * registers later is told of us, and a room that forms meanwhile forms without us. The first
   * expiry in a while is answered at once; one that follows within {@link #QUIET_RETRIES} of the
   * session's longest retry waits the session's backoff, and while one re-registration waits or
   * runs, further expiries are that same news: a tracker that pushes our own MemberLeft over and
   * over gets one Register per backoff, not one per push.
   */
  private void expired(Listener listener) {
    RoomSession c = client;
    if (c == null || stopped || reregistering) {
      return;
    }
    long now = clock.millis();
    if (expiries > 0 && (now - lastExpiryMs) / QUIET_RETRIES > retryMaxMs) { // no overflow
      expiries = 0;
    }
    lastExpiryMs = now;
    long delayMs =
        expiries == 0 ? 0 : Backoff.delayMs(retryMinMs, retryMaxMs, expiries - 1, random);
    expiries++;
    reregistering = true;
    log.info("{} the tracker expired our registration: registering again in {} ms", tag, delayMs);
    if (delayMs == 0) {
      reregister(c, listener);
    } else {
      reregister = loop.schedule(() -> reregister(c, listener), delayMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Expiries further apart than this many of the longest retry delay start the backoff again. */
  static final int QUIET_RETRIES = 4;

  private void reregister(RoomSession c, Listener listener) {
    reregister = null;
    if (stopped || client != c) {
      reregistering = false;
      return; // the session ended meanwhile: its end registers again from scratch
    }
    registerOn(
        c,
        (reg, e) -> {
          if (stopped || client != c) {
            return; // the session's end already let go of the re-registration
          }
          reregistering = false;
          if (e != null) {
            refused(c, e);
          } else {
            registered(c, listener, reg);
          }
        });
  }

  /** A listed member whose signed statement does not hold: ignored, never dialed. */
  private void refusedMember(String why) {
    log.info("{} ignored a member the tracker listed: {}", tag, why);
    members.refused(why);
  }

  /**
   * Members one session keeps (for /who, and so for the room's address book): more than a tracker
   * lists in a room by default (1,000). A tracker, or whoever sits on its plain-TCP session, can
   * name as many validly signed members as it can make keys; past this many, the longest-named
   * member is forgotten for the newest, as if it had left.
   */
  static final int MAX_MEMBERS = 1_024;

  /** False for our own entry. */
  private boolean joined(PeerAddress a) {
    if (a.peerId().equals(registration.self())) {
      return false;
    }
    known.remove(a.peerId()); // named again: the most recently named
    known.put(a.peerId(), a);
    members.joined(a);
    if (known.size() > MAX_MEMBERS) {
      PeerId eldest = known.keySet().iterator().next();
      known.remove(eldest);
      members.left(eldest);
    }
    return true;
  }

  /**
   * Leaves (on the loop the session runs on): stops retrying and sends the unregister. Returns the
   * rest, which blocks and so must run off that loop and the I/O threads: the loop also runs the
   * peer's links, which a wait there would stall.
   */
  public Leaving stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
    }
    if (resign != null) {
      resign.cancel(false);
    }
    cancelReregister();
    RoomSession c = client;
    client = null;
    CompletableFuture<Void> unregistered = c == null ? null : c.unregister();
    TrackerServer h = hosted;
    hosted = null;
    return waitMs -> {
      if (c != null) {
        try {
          unregistered.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          log.debug("{} unregister: {}", tag, e.toString());
        }
        c.close();
      }
      if (h != null) {
        h.close();
      }
    };
  }

  /** What is left of a {@link #stop}. */
  public interface Leaving {
    /**
     * Waits at most {@code waitMs} for the unregister's answer, closes the session, and stops a
     * hosted tracker so that another peer takes over.
     */
    void finish(long waitMs);
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Tracker pushes for one session; ignored unless that session is the current one. */
  private final class Listener implements RoomSession.Events {
    volatile boolean current;

    @Override
    public void joined(PeerAddress member) {
      whileCurrent(() -> TrackerSession.this.joined(member));
    }

    @Override
    public void refused(String why) {
      whileCurrent(() -> refusedMember(why));
    }

    @Override
    public void left(PeerId member) {
      whileCurrent(
          () -> {
            if (member.equals(registration.self())) {
              expired(this);
              return;
            }
            known.remove(member);
            members.left(member);
          });
    }

    private void whileCurrent(Runnable r) {
      loop.execute(
          () -> {
            if (current && !stopped) {
              r.run();
            }
          });
    }

    @Override
    public void closed() {
      loop.execute(
          () -> {
            if (current) {
              current = false;
              lost();
            }
          });
    }
  }
}
