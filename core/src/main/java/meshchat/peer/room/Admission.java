package meshchat.peer.room;

import java.util.List;
import meshchat.peer.clock.ClockBound;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;

/**
 * The checks a validly signed message still has to pass before it is stored (docs/ordering.md,
 * "Bounded clocks"): its Lamport time is above every dependency's we know (no backdating: a reply
 * can never sort before what it answers), and it does not push our clock further than {@link
 * ClockBound} allows. Both refusals drop the message and keep the link: the first is the author's
 * lie, not the relay's, and the second may be honest and is taken later.
 */
final class Admission {
  /**
   * The most recently delivered messages: where a new message's deps are (its frontier names a few
   * recent ones; a catch-up batch of 512 comes in causal order), so an older dep is read from the
   * store. Kept small, as every peer keeps one and a simulation runs a thousand peers in one heap
   * (docs/decisions/0009-per-author-state.md).
   */
  static final int RECENT = 1_024;

  private final ClockBound bound;
  private final Scheduler scheduler;
  private final MessageStore store;
  private final CausalBuffer causal;
  private final RecentMessages recent = new RecentMessages(RECENT);
  private ChatMessage checked; // the last message backdated passed, and what it found delivered
  private long checkedDelivered;
  private boolean checkedWhole; // and whether it found every dependency delivered

  Admission(Scheduler scheduler, MessageStore store, CausalBuffer causal) {
    this.scheduler = scheduler;
    this.store = store;
    this.causal = causal;
    this.bound = new ClockBound(scheduler.nowMillis());
  }

  /** Why {@code m} is refused with our clock at {@code clock}, or null to take it. */
  Counter refusal(ChatMessage m, long clock) {
    if (backdated(m)) {
      return Counter.BACKDATED;
    }
    if (!bound.admit(clock, m.lamport(), scheduler.nowMillis())) {
      return Counter.CLOCK_JUMP_REFUSED;
    }
    return null;
  }

  /** How far a Hello's clock may move ours: all of it, unless that is more than the bound. */
  long helloClock(long clock, long hello) {
    return bound.clamp(clock, hello, scheduler.nowMillis());
  }

  /** Whether {@code m}'s time is at or below a dependency's (or its author's previous one's). */
  boolean backdated(ChatMessage m) {
    long known = 0; // bit 0: the author's previous message delivered; bit i + 1: dep i
    boolean lacking = false; // a dependency not delivered: this check could not judge it
    if (m.seq() > 1) {
      int a = above(m, m.origin(), m.seq() - 1);
      if (a == NOT_ABOVE) {
        return true;
      }
      known = a == ABOVE_DELIVERED ? 1 : 0;
      lacking = a == ABOVE_LACKING;
    }
    List<MessageId> deps = m.deps();
    for (int i = 0, n = deps.size(); i < n; i++) {
      MessageId d = deps.get(i);
      int a = above(m, d.origin(), d.seq());
      if (a == NOT_ABOVE) {
        return true;
      }
      if (a == ABOVE_DELIVERED && i < Long.SIZE - 1) {
        known |= 1L << (i + 1);
      }
      lacking |= a == ABOVE_LACKING;
    }
    checked = m;
    checkedDelivered = known;
    checkedWhole = !lacking;
    return false;
  }

  /**
   * Whether the last {@link #backdated} check that passed was of {@code m} and found every one of
   * its dependencies delivered, so that nothing delivered later can make it backdated: false means
   * it must be checked again when what it lacked is delivered (a release does; a sync batch whose
   * earlier messages delivered them must too).
   */
  boolean judgedWhole(ChatMessage m) {
    return m == checked && checkedWhole;
  }

  /**
   * What the last {@link #backdated} check that passed found delivered of {@code m}'s author's
   * previous message (bit 0) and of its deps (bit i + 1 for dep i, the first 63), or 0 if that
   * check was of another message. Nothing delivered is ever undelivered, so {@link
   * CausalBuffer#missingFor(ChatMessage, long)} need not ask again: each delivered dependency was a
   * second probe of the author index, per message admitted (docs/simulation.md, session 20).
   */
  long knownDelivered(ChatMessage m) {
    return m == checked ? checkedDelivered : 0;
  }

  private static final int NOT_ABOVE = 0;
  private static final int ABOVE_DELIVERED = 1;
  private static final int ABOVE_LACKING = 2;

  /**
   * Whether {@code m}'s time is above that of its dependency, seq {@code seq} of {@code origin}:
   * {@link #NOT_ABOVE}, or above and the dependency delivered ({@link #ABOVE_DELIVERED}), or not
   * delivered yet ({@link #ABOVE_LACKING}: checked when it arrives).
   */
  private int above(ChatMessage m, PeerId origin, long seq) {
    long recentLamport = recent.lamportOf(origin, seq);
    if (recentLamport != RecentMessages.ABSENT) {
      // the recent ones were all delivered (see delivered)
      return m.lamport() > recentLamport ? ABOVE_DELIVERED : NOT_ABOVE;
    }
    if (!causal.isDelivered(origin, seq)) {
      return ABOVE_LACKING; // a dep we lack is checked when it arrives
    }
    // its time alone: a dep named by a peer that lags us is often past the recent ones
    long stored = store.lamportTime(origin, seq);
    return stored == MessageStore.NO_LAMPORT || m.lamport() > stored ? ABOVE_DELIVERED : NOT_ABOVE;
  }

  /**
   * A delivered message is no longer delivered (a rolled-back write took it, or what it depends
   * on): nothing known delivered is kept, so no check takes it for delivered.
   */
  void forgetDelivered() {
    recent.clear();
    checked = null;
  }

  /** {@code m} was delivered: its deps-to-be are looked up here first. */
  void delivered(ChatMessage m) {
    recent.put(m);
  }
}
