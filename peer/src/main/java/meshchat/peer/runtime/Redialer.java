package meshchat.peer.runtime;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/**
 * Keeps dialing every room member the tracker or peer exchange reported, until it is linked or
 * leaves: exponential backoff from {@code redialMinMs} to {@code redialMaxMs}, each delay drawn
 * uniformly from [d/2, d] ("equal jitter") so that peers that lost each other together do not
 * redial in step. Timers run on the room's event loop; state is touched only there.
 */
final class Redialer {
  private static final class Target {
    PeerAddress address;
    int failures;
    boolean dialing;
    ScheduledFuture<?> timer;
  }

  private final Map<PeerId, Target> targets = new HashMap<>();
  private final EventExecutor loop;
  private final LinkConfig config;
  private final RandomGenerator random;
  private final Predicate<PeerId> linked;
  private final Function<InetSocketAddress, CompletableFuture<Void>> dialer;
  private boolean stopped;

  Redialer(
      EventExecutor loop,
      LinkConfig config,
      RandomGenerator random,
      Predicate<PeerId> linked,
      Function<InetSocketAddress, CompletableFuture<Void>> dialer) {
    this.loop = loop;
    this.config = config;
    this.random = random;
    this.linked = linked;
    this.dialer = dialer;
  }

  /** A member to stay linked to: dial now unless linked or already trying. */
  void want(PeerAddress address) {
    Target t = remember(address);
    if (t != null && !linked.test(address.peerId()) && !t.dialing && t.timer == null) {
      dial(t);
    }
  }

  /** Records where a member listens (for redials) without dialing now. */
  Target remember(PeerAddress address) {
    if (stopped || address.port() <= 0) {
      return null;
    }
    Target t = targets.computeIfAbsent(address.peerId(), p -> new Target());
    t.address = address;
    return t;
  }

  /** Members being dialed or waiting for a redial, not linked yet. */
  int pending() {
    int n = 0;
    for (Map.Entry<PeerId, Target> e : targets.entrySet()) {
      Target t = e.getValue();
      if ((t.dialing || t.timer != null) && !linked.test(e.getKey())) {
        n++;
      }
    }
    return n;
  }

  /** Linked: the next loss starts the backoff over. */
  void linked(PeerId peer) {
    Target t = targets.get(peer);
    if (t != null) {
      t.failures = 0;
      cancel(t);
    }
  }

  /** The link to {@code peer} went down: redial after a backoff. */
  void lost(PeerId peer) {
    Target t = targets.get(peer);
    if (t != null && !t.dialing) {
      scheduleRetry(t);
    }
  }

  /** The member left the room: stop dialing it. */
  void forget(PeerId peer) {
    Target t = targets.remove(peer);
    if (t != null) {
      cancel(t);
    }
  }

  void stop() {
    stopped = true;
    targets.values().forEach(Redialer::cancel);
    targets.clear();
  }

  private void dial(Target t) {
    t.dialing = true;
    PeerAddress a = t.address;
    dialer
        .apply(new InetSocketAddress(a.host(), a.port()))
        .whenComplete(
            (v, e) ->
                loop.execute(
                    () -> {
                      t.dialing = false;
                      if (targets.get(a.peerId()) == t && !linked.test(a.peerId())) {
                        scheduleRetry(t);
                      }
                    }));
  }

  private void scheduleRetry(Target t) {
    if (stopped || t.timer != null) {
      return;
    }
    long cap = config.redialMaxMs();
    long d = Math.min(cap, config.redialMinMs() << Math.min(t.failures, 20));
    long delay = d / 2 + (long) (random.nextDouble() * (d - d / 2));
    t.failures++;
    t.timer =
        loop.schedule(
            () -> {
              t.timer = null;
              PeerId p = t.address.peerId();
              if (!stopped && targets.get(p) == t && !linked.test(p) && !t.dialing) {
                dial(t);
              }
            },
            delay,
            TimeUnit.MILLISECONDS);
  }

  private static void cancel(Target t) {
    if (t.timer != null) {
      t.timer.cancel(false);
      t.timer = null;
    }
  }
}
