package meshchat.peer.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqSet;
import meshchat.peer.sync.SmallInts;

/**
 * Causal delivery (Birman, Schiper and Stephenson 1991, here with explicit dependencies): a message
 * is delivered only after everything it depends on: its {@code deps} and its author's previous
 * message. Messages that arrive early wait here.
 *
 * <p>The delivered set is not kept apart: a message is delivered once it is stored (the room's
 * holdings, which this buffer shares) and not waiting here. A big room's peer knows every author,
 * so what it keeps per author is kept once (docs/decisions/0009-per-author-state.md).
 *
 * <p>Also keeps the frontier: the delivered messages that no other delivered message depends on.
 * The frontier becomes the deps of the next local message, so a message usually names one to three
 * others, not the whole history.
 *
 * <p>Bounded against a hostile author whose deps never arrive: messages shown incomplete stay
 * tracked (so their completion can be reported) only up to {@code maxIncomplete}; beyond it the
 * oldest is forgotten, with its waiter entries, and the implied set is trimmed the same way.
 */
final class CausalBuffer {
  // what is stored (the room's holdings); delivered = stored and not pending
  private final Holdings stored;
  private final AuthorIndex<PeerId> authors;
  // by id (arrival order: Held.order); most first copies in a big room pass through here
  private final IdTable<Held> held = new IdTable<>();
  private long holds; // messages held so far: the next one's order
  // by the id waited for: the held messages that wait for it, themselves, so that a release looks
  // up nothing per waiter: the Held when one waits, else a List<Held> in the order they were held
  private final IdTable<Object> waiters = new IdTable<>();
  private final OrderedIds frontier = new OrderedIds(); // in the order first added
  // deps of messages shown incomplete: when they arrive they are already implied, not new tips
  private final LinkedHashSet<MessageId> implied = new LinkedHashSet<>();
  // messages shown incomplete and still tracked, oldest first
  private final LinkedHashSet<MessageId> incomplete = new LinkedHashSet<>();
  // held and not shown yet, oldest first: a list through the held messages themselves (Held.older,
  // Held.newer), so that holding or releasing one costs no lookup; and how many of them came by
  // each
  // link and each author: the budgets that keep one hostile link or author from taking the whole
  // hold-back
  private Held oldestPending;
  private Held newestPending;
  private int pendingCount;
  // while a restart holds its waiting messages again (holdAgain): those pending and not held yet
  private Set<MessageId> restoring;
  private final Map<PeerId, LinkCount> pendingByLink = new HashMap<>();
  // by author index: how many of pending are that author's; 0 for nearly every author (only the
  // others are kept), so a delivered-or-not question rarely looks in pending at all
  private final SparseCounts pendingByAuthor = new SparseCounts();
  // by author index: the end D of the author's delivered prefix (seqs 1..D all delivered) in the
  // low 31 bits, and in the sign bit whether anything past D may be delivered too (a message shown
  // incomplete, or delivered without its predecessor; a restart's holdings). Causal delivery
  // delivers an author's messages in seq order, so for nearly every author the prefix is all that
  // is delivered: "delivered?" is then one array read, where the holdings' set and the pending set
  // were asked (the pending set's hash probe, cold when a peer's turn comes, was 6% of a run)
  // (a byte per author while the end is at most 126: SmallInts, in the lane of the room's
  // per-author
  // bytes beside the holdings' set codes: see Holdings)
  private final SmallInts prefix;
  private static final int PAST_PREFIX = 0x8000_0000;
  private static final int PREFIX_END = 0x7fff_ffff;
  private final int maxIncomplete;

  CausalBuffer() {
    this(10_000);
  }

  CausalBuffer(int maxIncomplete) {
    this(maxIncomplete, new Holdings());
  }

  /**
   * {@code stored} is the room's holdings: every message stored, each added before it is offered
   * here. A message delivered here that is missing from it is added.
   */
  CausalBuffer(int maxIncomplete, Holdings stored) {
    this.maxIncomplete = maxIncomplete;
    this.stored = stored;
    this.authors = stored.authors();
    this.prefix = new SmallInts(stored.bytes(), Holdings.PREFIX_LANE);
  }

  /**
   * A message waiting for what it is missing. Its fields are written here only. A big room's peer
   * may hold hundreds at once (after a partition heals, live messages name the other side's that
   * anti-entropy has not brought yet), so the ids it waits for are a small array, not a set of
   * their own: a message names at most a few deps and its author's previous one.
   */
  static final class Held {
    final ChatMessage message;
    final boolean catchUp;
    // what it waits for; an entry that arrived or will never come is null
    private final MessageId[] missing;
    private int waiting; // non-null entries of missing
    final PeerId via; // the link it came by; null for none
    // when it was held (scheduler time): the room's one hold-back timer shows it incomplete at
    // heldAt + the timeout, oldest first, so a held message needs no timer of its own; moved to
    // the time its timeout was counted again from when it waits once more (waitAgain)
    long heldAt;
    int waitedAgain; // how many times its timeout was counted again (waitAgain)
    boolean shownIncomplete;
    boolean gaveUp; // no longer waits for a dependency that will never come: incomplete when shown
    // the admission check (Admission#backdated) that passed just before it was held found every
    // dependency it does not wait for delivered and older: only those it waits for are left to
    // check, each as it arrives (markDelivered), so its release reads no dependency again
    final boolean depsChecked;
    private boolean depNotOlder; // a dependency it waited for came with a time at or above its own
    private int author; // its author's index
    private LinkCount viaCount; // the count of via's pending messages, while this one is pending
    private boolean pending;
    private Held older; // in the pending list, while pending
    private Held newer;
    private boolean gone; // released or forgotten: no longer held
    private long order; // the how-manyth message held: arrival order

    Held(
        ChatMessage message,
        boolean catchUp,
        Set<MessageId> missing,
        PeerId via,
        boolean gaveUp,
        long heldAt) {
      this(message, catchUp, missing, via, gaveUp, heldAt, false);
    }

    Held(
        ChatMessage message,
        boolean catchUp,
        Set<MessageId> missing,
        PeerId via,
        boolean gaveUp,
        long heldAt,
        boolean depsChecked) {
      this.message = message;
      this.catchUp = catchUp;
      this.missing = missing.toArray(new MessageId[0]);
      this.waiting = this.missing.length;
      this.via = via;
      this.gaveUp = gaveUp;
      this.heldAt = heldAt;
      this.depsChecked = depsChecked;
    }

    /** {@code id} is no longer waited for; false if it was not. */
    private boolean stopWaiting(MessageId id) {
      // the same instance first: reads no id (a message's deps are often the very ids of the
      // messages they name, which the delivery passes here), each a cold object otherwise
      for (int i = 0; i < missing.length; i++) {
        if (missing[i] == id) {
          missing[i] = null;
          waiting--;
          return true;
        }
      }
      for (int i = 0; i < missing.length; i++) {
        if (id.equals(missing[i])) {
          missing[i] = null;
          waiting--;
          return true;
        }
      }
      return false;
    }

    /** Whether it is still held: not released, nor forgotten ({@link CausalBuffer#held}). */
    boolean isHeld() {
      return !gone;
    }

    /** Whether it still waits for anything. */
    boolean waits() {
      return waiting > 0;
    }

    /** What it still waits for. */
    List<MessageId> missing() {
      List<MessageId> out = new ArrayList<>(waiting);
      for (MessageId id : missing) {
        if (id != null) {
          out.add(id);
        }
      }
      return out;
    }
  }

  /** How many pending messages came by one link. */
  private static final class LinkCount {
    int n;
  }

  /**
   * The outcome of offering a message: what can be delivered now, in causal order. {@code checked}:
   * whether its dependencies' times were all checked against its own, by the admission check before
   * it was held and then as each one it waited for arrived; {@code backdated}: if checked, whether
   * one was at or above its time (else the room checks them all: {@link Admission#backdated}).
   */
  record Ready(
      ChatMessage message,
      boolean catchUp,
      boolean incomplete,
      boolean checked,
      boolean backdated) {}

  boolean isDelivered(MessageId id) {
    return delivered(id.origin(), id.seq(), id);
  }

  /**
   * As {@link #isDelivered(MessageId)} for seq {@code seq} of {@code origin}: an author's previous
   * message, asked of every message, gets no id made unless the pending set must be asked.
   */
  boolean isDelivered(PeerId origin, long seq) {
    return delivered(origin, seq, null);
  }

  /** Whether seq {@code seq} of {@code origin} is delivered; {@code id} is its id, or null. */
  private boolean delivered(PeerId origin, long seq, MessageId id) {
    int a = authors.indexOf(origin);
    if (a < 0) {
      return false;
    }
    int p = prefix.get(a);
    if (seq <= (p & PREFIX_END)) {
      return true;
    }
    // past the prefix of an author delivered in order, what is stored is pending, but for the one
    // message being admitted now: stored, not yet held or delivered (see Holdings#isLastAdded)
    if (p >= 0 && !stored.isLastAdded(a, seq)) {
      return false;
    }
    SeqSet s = stored.get(a);
    return s != null
        && s.contains(seq)
        && (pendingOf(a) == 0 || !isPending(id != null ? id : new MessageId(origin, seq)));
  }

  /** Whether {@code id} waits to be shown: held and not shown yet (shown incomplete: no). */
  boolean isPending(MessageId id) {
    if (restoring != null && restoring.contains(id)) {
      return true;
    }
    Held h = held.get(id);
    return h != null && h.pending;
  }

  private int pendingOf(int author) {
    return author < 0 ? 0 : pendingByAuthor.get(author);
  }

  /** Counts {@code delta} more pending messages of the author numbered {@code a}. */
  private void countPending(int a, int delta) {
    pendingByAuthor.add(a, delta);
  }

  /** Appends {@code h} to the pending list: it is the newest. */
  private void pend(Held h) {
    h.pending = true;
    h.older = newestPending;
    if (newestPending == null) {
      oldestPending = h;
    } else {
      newestPending.newer = h;
    }
    newestPending = h;
    pendingCount++;
  }

  boolean isHeld(MessageId id) {
    return held.containsKey(id);
  }

  int heldCount() {
    return held.size();
  }

  /** Held messages not yet shown: the ones the hold-back limit applies to. */
  int pendingCount() {
    return pendingCount + (restoring == null ? 0 : restoring.size());
  }

  /** Held messages not yet shown that came by the link to {@code peer}. */
  int pendingVia(PeerId peer) {
    LinkCount c = pendingByLink.get(peer);
    return c == null ? 0 : c.n;
  }

  /** Held messages not yet shown by {@code origin}. */
  int pendingBy(PeerId origin) {
    int a = authors.indexOf(origin);
    return a < 0 ? 0 : pendingOf(a);
  }

  /** Messages shown incomplete that are still tracked (at most {@code maxIncomplete}). */
  int incompleteCount() {
    return incomplete.size();
  }

  Held held(MessageId id) {
    return held.get(id);
  }

  /**
   * What {@code m} waits for: deps and the author's previous message, not yet delivered. In one
   * pass, and with no set made unless two are missing (one per delivery, millions in a sim): none
   * is the common case, one the next.
   */
  Set<MessageId> missingFor(ChatMessage m) {
    return missingFor(m, 0);
  }

  /**
   * As {@link #missingFor(ChatMessage)}, where {@code delivered} names what is known delivered
   * already and is not asked again: bit 0 the author's previous message, bit i + 1 dep i ({@link
   * Admission#knownDelivered}). A delivered message stays delivered, so the answer is the same.
   */
  Set<MessageId> missingFor(ChatMessage m, long delivered) {
    MessageId first = null;
    Set<MessageId> more = null;
    long seq = m.seq();
    if (seq > 1 && (delivered & 1) == 0 && !isDelivered(m.origin(), seq - 1)) {
      first = new MessageId(m.origin(), seq - 1);
    }
    List<MessageId> deps = m.deps();
    for (int i = 0, n = deps.size(); i < n; i++) {
      MessageId d = deps.get(i);
      boolean known = i < Long.SIZE - 1 && (delivered & 1L << (i + 1)) != 0;
      // m is stored by now and not yet held: naming itself, it would pass for delivered
      if ((!known && !isDelivered(d)) || d.equals(m.id())) {
        if (first == null) {
          first = d;
        } else {
          if (more == null) {
            more = new MissingIds(); // in a HashSet's order, as it was
            more.add(first);
          }
          more.add(d);
        }
      }
    }
    return more != null ? more : first != null ? Set.of(first) : Set.of();
  }

  /** Holds {@code m} until {@code missing} (non-empty) is delivered. */
  Held hold(ChatMessage m, boolean catchUp, Set<MessageId> missing) {
    return hold(m, catchUp, missing, null, false, 0);
  }

  /**
   * As above, counting it against the budget of the link to {@code via}; {@code gaveUp} says it
   * already stopped waiting for a dependency that will never come, and {@code heldAt} is the
   * scheduler's time now (held messages are held in time order: see {@link #oldest}).
   */
  Held hold(
      ChatMessage m,
      boolean catchUp,
      Set<MessageId> missing,
      PeerId via,
      boolean gaveUp,
      long heldAt) {
    return hold(m, catchUp, missing, via, gaveUp, heldAt, false);
  }

  /**
   * As above; {@code depsChecked}: an admission check that passed just now found every dependency
   * of {@code m} outside {@code missing} delivered and older than {@code m} (see {@link
   * Held#depsChecked}).
   */
  Held hold(
      ChatMessage m,
      boolean catchUp,
      Set<MessageId> missing,
      PeerId via,
      boolean gaveUp,
      long heldAt,
      boolean depsChecked) {
    Held h = new Held(m, catchUp, missing, via, gaveUp, heldAt, depsChecked);
    Held already = held.putIfAbsent(m.id(), h);
    if (already != null) {
      return already; // the room holds a message once (it holds only what it newly stored)
    }
    h.order = holds++;
    h.author = authors.add(m.origin()); // stored, so numbered already (but for unit tests)
    if (restoring == null || !restoring.remove(m.id())) {
      countPending(h.author, 1); // else counted when a restart made it pending: see holdAgain
    }
    pend(h);
    if (via != null) {
      h.viaCount = pendingByLink.computeIfAbsent(via, k -> new LinkCount());
      h.viaCount.n++;
    }
    for (MessageId d : missing) {
      addWaiter(d, h);
    }
    return h;
  }

  /** {@code h} waits for {@code d}: after those that waited for it before. */
  @SuppressWarnings("unchecked")
  private void addWaiter(MessageId d, Held h) {
    int at = waiters.slot(d);
    Object w = waiters.valueAt(at);
    if (w == null) {
      waiters.putAt(at, d, h); // the common case: a list only once a second one waits
    } else if (w instanceof Held first) {
      List<Held> ws = new ArrayList<>(4);
      ws.add(first);
      ws.add(h);
      waiters.putAt(at, d, ws);
    } else {
      ((List<Held>) w).add(h);
    }
  }

  /** {@code h} no longer waits for {@code d}: its entry goes, and {@code d}'s once none waits. */
  @SuppressWarnings("unchecked")
  private void removeWaiter(MessageId d, Held h) {
    int at = waiters.slot(d);
    Object w = waiters.valueAt(at);
    if (w == h) {
      waiters.remove(d);
    } else if (w instanceof List<?> list) {
      List<Held> ws = (List<Held>) list;
      if (ws.remove(h) && ws.isEmpty()) {
        waiters.remove(d);
      }
    }
  }

  /**
   * The oldest held message not yet shown, or null: also the one whose hold-back timeout comes
   * first, since messages are held in the order of their {@code heldAt}.
   */
  Held oldest() {
    return oldestPending;
  }

  /**
   * The message to show incomplete when the hold-back is over its bound: the newest held message
   * not yet shown of the link that holds the most, so that links sending messages that wait
   * (strangers' batches of them, rev29) push out their own, not an honest link's older ones; the
   * oldest when no link holds any (messages held again at a restart). Null when nothing is held.
   */
  Held overflowVictim() {
    LinkCount busiest = null;
    for (LinkCount c : pendingByLink.values()) {
      if (c.n > 0 && (busiest == null || c.n > busiest.n)) {
        busiest = c;
      }
    }
    if (busiest != null) {
      for (Held h = newestPending; h != null; h = h.older) {
        if (h.viaCount == busiest) {
          return h;
        }
      }
    }
    return oldestPending;
  }

  /**
   * {@code h}, pending and due, waits one more hold-back timeout, counted from {@code now}: it
   * becomes the newest pending message (the list stays in the order of the timeouts, every other
   * one's counted from {@code now} or before). Its budgets' counts do not change.
   */
  void waitAgain(Held h, long now) {
    if (!h.pending) {
      return;
    }
    h.heldAt = now;
    h.waitedAgain++;
    if (h == newestPending) {
      return;
    }
    if (h.older == null) {
      oldestPending = h.newer;
    } else {
      h.older.newer = h.newer;
    }
    h.newer.older = h.older;
    h.older = newestPending;
    h.newer = null;
    newestPending.newer = h;
    newestPending = h;
  }

  /** {@code h} is no longer pending: released, or shown incomplete. */
  private void unpend(Held h) {
    if (!h.pending) {
      return;
    }
    h.pending = false;
    if (h.older == null) {
      oldestPending = h.newer;
    } else {
      h.older.newer = h.newer;
    }
    if (h.newer == null) {
      newestPending = h.older;
    } else {
      h.newer.older = h.older;
    }
    h.older = null;
    h.newer = null;
    pendingCount--;
    pendingByAuthor.add(h.author, -1);
    if (h.viaCount != null) {
      if (--h.viaCount.n == 0) {
        pendingByLink.remove(h.via);
      }
      h.viaCount = null;
    }
  }

  /**
   * Records {@code m} as delivered and returns, in a causal order, every held message this
   * releases; each returned message is then marked delivered too. Messages already shown incomplete
   * are released silently and reported through {@code completed}.
   */
  List<Ready> markDelivered(ChatMessage m, List<MessageId> completed) {
    // made only when something is released: most deliveries release nothing
    List<Ready> ready = null;
    ArrayDeque<ChatMessage> work = null;
    for (ChatMessage next = m; next != null; next = work == null ? null : work.poll()) {
      record(next);
      Object w = waiters.isEmpty() ? null : waiters.remove(next.id());
      if (w == null) {
        continue;
      }
      @SuppressWarnings("unchecked")
      List<Held> ws = w instanceof Held ? null : (List<Held>) w;
      for (int i = 0, n = ws == null ? 1 : ws.size(); i < n; i++) {
        Held h = ws == null ? (Held) w : ws.get(i);
        if (h.gone) {
          continue;
        }
        if (h.stopWaiting(next.id()) && next.lamport() >= h.message.lamport()) {
          h.depNotOlder = true; // what it answers is not older: backdated
        }
        if (!h.waits()) {
          MessageId id = h.message.id();
          held.remove(id);
          h.gone = true;
          unpend(h);
          if (h.shownIncomplete) {
            incomplete.remove(id); // only a message shown incomplete is listed there
            completed.add(id);
          } else {
            if (ready == null) {
              ready = new ArrayList<>();
              work = new ArrayDeque<>();
            }
            ready.add(new Ready(h.message, h.catchUp, h.gaveUp, h.depsChecked, h.depNotOlder));
            work.add(h.message);
          }
        }
      }
    }
    return ready == null ? List.of() : ready;
  }

  /**
   * Shows a held message before its dependencies arrived. It counts as delivered from now on, so
   * messages waiting for it move on; it stays registered as a waiter so that {@link #markDelivered}
   * reports it complete once the last dependency arrives.
   */
  void markShownIncomplete(Held h) {
    h.shownIncomplete = true;
    unpend(h);
    implied.addAll(h.missing());
    incomplete.add(h.message.id());
    record(h.message);
    while (incomplete.size() > maxIncomplete) {
      forget(incomplete.iterator().next());
    }
    // each tracked message implies at most its deps and its author's previous message
    while (implied.size() > 8L * maxIncomplete) {
      implied.remove(implied.iterator().next());
    }
  }

  /**
   * Stops waiting for the ids {@code never} names (messages that will never come); returns the held
   * messages that now wait for nothing.
   */
  List<Held> stopWaitingFor(Predicate<MessageId> never) {
    List<Held> freed = new ArrayList<>();
    List<Held> all = held.values();
    all.sort((a, b) -> Long.compare(a.order, b.order)); // in the order they were held
    for (Held h : all) {
      boolean changed = false;
      for (MessageId d : h.missing()) {
        if (never.test(d)) {
          h.stopWaiting(d);
          changed = true;
          removeWaiter(d, h);
        }
      }
      h.gaveUp |= changed;
      if (changed && !h.waits()) {
        freed.add(h);
      }
    }
    return freed;
  }

  /** Stops tracking a message shown incomplete that waits for nothing that can still come. */
  void untrack(MessageId id) {
    forget(id);
  }

  /** Stops tracking a message shown incomplete: it will not be reported complete. */
  private void forget(MessageId id) {
    incomplete.remove(id);
    Held h = held.remove(id);
    if (h == null) {
      return;
    }
    h.gone = true;
    for (MessageId d : h.missing()) {
      removeWaiter(d, h);
    }
  }

  /**
   * {@code id} is no longer stored (a write the store rolled back took its row, and the room took
   * it from its holdings): held here, it is held no more; delivered, it is delivered no more.
   * Messages that wait for it go on waiting: it is fetched again.
   */
  void unstored(MessageId id) {
    Held h = held.remove(id);
    if (h != null) {
      h.gone = true;
      unpend(h);
      incomplete.remove(id);
      for (MessageId d : h.missing()) {
        removeWaiter(d, h);
      }
    }
    undeliver(id);
  }

  /**
   * {@code id} (stored, or no longer) counts as delivered no more: its author's delivered prefix
   * ends below it (what is past it is asked of the sets), and it leaves the frontier. The room
   * holds it again, or took it from its holdings, right after.
   */
  void undeliver(MessageId id) {
    int a = authors.indexOf(id.origin());
    if (a >= 0) {
      int p = prefix.get(a);
      if (id.seq() <= (p & PREFIX_END)) {
        prefix.set(a, (int) (id.seq() - 1) | PAST_PREFIX);
      }
    }
    frontier.remove(id);
  }

  /** {@code id}, delivered, is a tip again (what named it was taken back). */
  void tipAgain(MessageId id) {
    if (isDelivered(id)) {
      frontier.add(id);
    }
  }

  /** How many dependency ids are waited on: bounded by held messages times their deps. */
  int waitedOnCount() {
    return waiters.size();
  }

  private void record(ChatMessage m) {
    extendPrefix(stored.add(m.origin(), m.seq()), m.seq());
    List<MessageId> deps = m.deps();
    for (int i = 0, n = deps.size(); i < n; i++) {
      frontier.remove(deps.get(i));
    }
    if (m.seq() > 1) {
      frontier.remove(m.origin(), m.seq() - 1);
    }
    if (implied.isEmpty() || !implied.remove(m.id())) {
      frontier.add(m.id());
    }
  }

  /**
   * Seq {@code seq} of the author numbered {@code a} is delivered: its prefix grows, or is passed.
   */
  private void extendPrefix(int a, long seq) {
    int p = prefix.get(a);
    long end = p & PREFIX_END;
    if (seq == end + 1 && seq <= PREFIX_END) {
      prefix.set(a, p + 1); // the sign bit kept
    } else if (seq > end) {
      prefix.set(a, p | PAST_PREFIX); // delivered out of order (or past 2^31 - 1): ask the sets
    }
  }

  /** What the author numbered {@code a} has delivered is no prefix: "delivered?" asks the sets. */
  private void pastPrefix(int a) {
    prefix.set(a, prefix.get(a) | PAST_PREFIX);
  }

  /** Restores state after a restart: everything stored counts as delivered. */
  void restore(Map<PeerId, SeqSet> holdings, List<MessageId> latest) {
    holdings.forEach(
        (origin, set) -> {
          stored.put(origin, set.copy());
          // the restored sets may have gaps, and holdAgain makes some of them pending again
          pastPrefix(authors.indexOf(origin));
        });
    frontier.addAll(latest);
  }

  /**
   * After {@link #restore}: the stored messages that were held back, not shown, when the peer
   * stopped ({@code MessageStore.waiting}) wait again, each for what it still lacks, with the
   * hold-back timeout counted from {@code now}; none counts as delivered meanwhile. Returns, in
   * causal order, those that lack nothing now (their last dependency was stored just before the
   * stop): the caller delivers them.
   */
  List<ChatMessage> holdAgain(List<ChatMessage> waiting, long now) {
    List<ChatMessage> ordered = new ArrayList<>(waiting);
    ordered.sort(ChatMessage.CANONICAL); // deps sort first
    restoring = new HashSet<>();
    for (ChatMessage m : ordered) {
      if (restoring.add(m.id())) {
        countPending(authors.add(m.origin()), 1);
      }
      frontier.remove(m.id());
    }
    List<ChatMessage> free = new ArrayList<>();
    for (ChatMessage m : ordered) {
      Set<MessageId> missing = missingFor(m);
      if (missing.isEmpty()) {
        if (restoring.remove(m.id())) { // delivered next, by the caller, before any after it
          countPending(authors.indexOf(m.origin()), -1);
        }
        free.add(m);
      } else {
        hold(m, true, missing, null, false, now);
      }
    }
    restoring = null; // each one freed or held
    return free;
  }

  /** The deps of the next local message: at most {@code max}, newest first kept. */
  List<MessageId> frontier(int max) {
    List<MessageId> all = frontier.list();
    return all.size() <= max ? all : all.subList(all.size() - max, all.size());
  }

  /** As {@link #frontier(int)}, leaving out the ids in {@code implied} (named already). */
  List<MessageId> frontier(int max, Set<MessageId> implied) {
    if (implied.isEmpty()) {
      return frontier(max);
    }
    List<MessageId> all = new ArrayList<>(frontier.size());
    for (MessageId id : frontier.list()) {
      if (!implied.contains(id)) {
        all.add(id);
      }
    }
    return all.size() <= max ? all : all.subList(all.size() - max, all.size());
  }
}
