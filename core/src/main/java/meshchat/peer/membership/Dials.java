package meshchat.peer.membership;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Scheduler;

/**
 * Dials in progress and redials waiting: exponential backoff from {@code redialMinMs} to {@code
 * redialMaxMs}, each delay drawn uniformly from [d/2, d] ("equal jitter"), so that peers that lost
 * each other together do not redial in step.
 */
final class Dials {
  /** Why a peer is dialed, which says how hard to try. */
  enum Kind {
    /** A candidate picked to fill a slot: one attempt; a later round may pick it again. */
    FRESH,
    /** The one contact a peer with no link joins through (it sends Join): one attempt. */
    JOIN,
    /** The end of a forward-join walk links to the newcomer: one attempt. */
    WALK,
    /** A link that went down: redialed up to {@code maxRedials} times. */
    LOST,
    /** Asked for by hand: redialed until linked, however long. */
    PINNED;

    /** Tried once: a failure frees the slot at once. */
    boolean oneShot() {
      return compareTo(LOST) < 0;
    }
  }

  static final class Target {
    PeerAddress address;
    Kind kind;
    int failures;
    boolean failedOnce; // a lost peer that failed a redial no longer holds a slot
    boolean dialing;
    Scheduler.Cancellable timer;
  }

  private final Map<PeerId, Target> targets = new HashMap<>();
  private final MembershipConfig config;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Consumer<PeerAddress> dialer;
  private int fresh;

  Dials(
      MembershipConfig config,
      Scheduler scheduler,
      RandomGenerator random,
      Consumer<PeerAddress> dialer) {
    this.config = config;
    this.scheduler = scheduler;
    this.random = random;
    this.dialer = dialer;
  }

  boolean has(PeerId p) {
    return targets.containsKey(p);
  }

  /** Dials of fresh candidates not settled yet: they hold a link slot. */
  int freshPending() {
    return fresh;
  }

  /** Whether a dial is under way now (started and not yet settled). */
  boolean anyDialing() {
    for (Target t : targets.values()) {
      if (t.dialing) {
        return true;
      }
    }
    return false;
  }

  /** Lost or pinned peers being redialed. */
  int redialsPending() {
    return targets.size() - fresh;
  }

  /**
   * Redials that still hold a link slot: pinned peers, and lost ones not yet failed. A lost peer
   * that refused a redial is likely dead (crashed, or gone for good), so its slot goes to a fresh
   * candidate at once while the redials go on in the background.
   */
  int redialsHolding() {
    int n = 0;
    for (Target t : targets.values()) {
      if (t.kind == Kind.PINNED || (t.kind == Kind.LOST && !t.failedOnce)) {
        n++;
      }
    }
    return n;
  }

  /** Why {@code p} is being dialed, or null. */
  Kind kindOf(PeerId p) {
    Target t = targets.get(p);
    return t == null ? null : t.kind;
  }

  /** Starts dialing {@code a} now, unless it is already dialed or waiting for a redial. */
  void start(PeerAddress a, Kind kind) {
    Target t = targets.get(a.peerId());
    if (t == null) {
      t = new Target();
      targets.put(a.peerId(), t);
      if (kind.oneShot()) {
        fresh++;
      }
    } else if (kind.compareTo(t.kind) <= 0) {
      t.address = a;
      return;
    } else if (t.kind.oneShot() && !kind.oneShot()) {
      fresh--;
    }
    t.address = a;
    t.kind = kind;
    if (!t.dialing && t.timer == null) {
      dial(t);
    }
  }

  /** A link to {@code p} went down: redial it after a backoff (a pinned peer stays pinned). */
  void lost(PeerAddress a, boolean pinned) {
    Target t = new Target();
    t.address = a;
    t.kind = pinned ? Kind.PINNED : Kind.LOST;
    remove(a.peerId());
    targets.put(a.peerId(), t);
    retryLater(t);
  }

  /**
   * A dial to {@code p} settled (failed, or its connection closed). {@code linked}: a link to it is
   * up. Returns true if it was a one-shot candidate (fresh, join, walk) that failed.
   */
  boolean ended(PeerId p, boolean linked) {
    Target t = targets.get(p);
    if (t == null || !t.dialing) {
      return false;
    }
    t.dialing = false;
    if (linked) {
      remove(p);
      return false;
    }
    if (t.kind.oneShot()) {
      remove(p);
      return true;
    }
    t.failedOnce = true;
    if (t.kind == Kind.LOST && t.failures >= config.maxRedials()) {
      remove(p); // given up; it stays known, so a round may pick it again
      return false;
    }
    retryLater(t);
    return false;
  }

  void remove(PeerId p) {
    Target t = targets.remove(p);
    if (t != null) {
      if (t.kind.oneShot()) {
        fresh--;
      }
      if (t.timer != null) {
        t.timer.cancel();
      }
    }
  }

  void clear() {
    for (PeerId p : List.copyOf(targets.keySet())) {
      remove(p);
    }
  }

  private void dial(Target t) {
    t.dialing = true;
    dialer.accept(t.address);
  }

  private void retryLater(Target t) {
    long delay = Backoff.delayMs(config.redialMinMs(), config.redialMaxMs(), t.failures, random);
    t.failures++;
    t.timer =
        scheduler.schedule(
            delay,
            () -> {
              t.timer = null;
              if (targets.get(t.address.peerId()) == t && !t.dialing) {
                dial(t);
              }
            });
  }
}
