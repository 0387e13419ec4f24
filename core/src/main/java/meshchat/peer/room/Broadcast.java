package meshchat.peer.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.IHave;
import meshchat.peer.message.LinkMessage.Prune;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * Epidemic broadcast trees (Plumtree: Leitão, Pereira, Rodrigues 2007) over the room's links.
 *
 * <p>Each link is <i>eager</i> (full messages are pushed on it) or <i>lazy</i> (only ids, in
 * batched IHave frames). Every link starts eager. A live message that arrives twice marks the
 * second link lazy on both ends (Prune), so the eager links shrink to a spanning tree formed by the
 * first copies received. An id announced by IHave and still missing after {@link #GRAFT_TIMEOUT_MS}
 * is asked for with Graft on the link that announced it, which turns that link eager again on both
 * ends: the tree heals around a crashed or slow peer, and anti-entropy (digests) stays the safety
 * net for anything both miss. One Graft asks for every id still missing from that announcer, so a
 * burst lost upstream costs one Graft and one answer, not one per message; the answer carries the
 * chain heads that prove it (the room builds it: {@code answer}).
 *
 * <p>From gossipsub (v1.1) it borrows the batching of lazy ids into one frame per link per flush
 * (IHAVE gossip) and a bound on what a stranger's announcements can make us hold; not its mesh
 * degree maintenance (membership does that) nor scoring. Like gossipsub v1.2's IDONTWANT, but with
 * nothing on the wire: an id is not announced to a peer that has shown it holds it (it announced
 * the id to us, or sent us a copy) before the batch leaves.
 */
final class Broadcast {
  /** IHave ids wait this long for company, so a burst costs one frame per lazy link. */
  static final long IHAVE_DELAY_MS = 50;

  /** How long an announced id may stay missing before it is grafted; then per further announcer. */
  static final long GRAFT_TIMEOUT_MS = 250;

  static final long GRAFT_RETRY_MS = 150;

  /**
   * A link that brought a first copy among the last {@code USEFUL_FACTOR × links} first copies this
   * peer received is not pruned on a duplicate. Measured on 200 peers with 30% crashing
   * (docs/simulation.md): 0 (Plumtree as published) delivered 41% of the next second's messages by
   * the tree, 1 78%, 2 91% at about twice the Chat copies of 0.
   */
  static final long USEFUL_FACTOR = 2;

  /** Most announced-but-missing ids tracked; more are left to anti-entropy. */
  static final int MAX_MISSING = 10_000;

  /** Most announcers remembered per missing id. */
  static final int MAX_ANNOUNCERS = 4;

  private static final int MAX_IDS_PER_FRAME = 256;

  private static final class Missing {
    final List<PeerId> announcers = new ArrayList<>(2);
    Scheduler.Cancellable timer;
  }

  private final RoomEffects effects;
  private final Scheduler scheduler;
  private final Predicate<MessageId> held;
  private final BiConsumer<PeerId, List<MessageId>> answer;
  private final Map<PeerId, Boolean> lazy = new HashMap<>(); // per up link
  private final Map<PeerId, Long> firstCopyAt = new HashMap<>(); // per up link
  private long firstCopies; // live messages received first, counted
  private final Map<PeerId, Set<MessageId>> pendingIHave = new LinkedHashMap<>();
  private final Map<MessageId, Missing> missing = new HashMap<>();
  // the last id received first, and who had announced it to us: they hold it
  private MessageId arrived;
  private List<PeerId> arrivedHolders = List.of();
  private Scheduler.Cancellable flushTimer;

  Broadcast(
      RoomEffects effects,
      Scheduler scheduler,
      Predicate<MessageId> held,
      BiConsumer<PeerId, List<MessageId>> answer) {
    this.effects = effects;
    this.scheduler = scheduler;
    this.held = held;
    this.answer = answer;
  }

  void linkUp(PeerId p) {
    lazy.put(p, false);
  }

  void linkDown(PeerId p) {
    Boolean wasLazy = lazy.remove(p);
    firstCopyAt.remove(p);
    pendingIHave.remove(p);
    if (Boolean.FALSE.equals(wasLazy)) {
      regraftAll();
    }
  }

  /**
   * An eager link is gone: the tree may be cut right here, and waiting for each missing id to be
   * announced and grafted costs every message a graft timeout. Ask every lazy link to push again at
   * once (an empty Graft): for a moment this peer is flooded, duplicates prune the extra links
   * again, and no message waits on the cut.
   */
  private void regraftAll() {
    for (Map.Entry<PeerId, Boolean> e : lazy.entrySet()) {
      if (e.getValue()) {
        e.setValue(false);
        effects.send(e.getKey(), new Graft(List.of()));
      }
    }
  }

  boolean isLazy(PeerId p) {
    return Boolean.TRUE.equals(lazy.get(p));
  }

  /**
   * Pushes {@code chat} on {@code to}: the message if the link is eager, its id if lazy. Returns
   * true if the message itself went (so its chain head must follow it).
   */
  boolean push(PeerId to, Chat chat) {
    if (isLazy(to)) {
      MessageId id = chat.message().id();
      if (id.equals(arrived) && arrivedHolders.contains(to)) {
        return false; // it announced the id to us: it holds it
      }
      pendingIHave.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(id);
      if (flushTimer == null) {
        flushTimer = scheduler.schedule(IHAVE_DELAY_MS, this::flush);
      }
      return false;
    }
    effects.send(to, chat);
    return true;
  }

  /**
   * Pushes an own message on {@code to}: always the message, even on a lazy link (gossipsub v1.1's
   * flood publishing). The author's direct links are the shortest path to each neighbour; a Prune
   * that made one of them lazy (a duplicate that came another way first, often while PeerLists were
   * still stale) otherwise left that neighbour waiting an IHave and a graft, a third of a second,
   * for every message the author wrote after it. Relays still follow the tree.
   */
  void pushOwn(PeerId to, Chat chat) {
    effects.send(to, chat);
  }

  /** A live message arrived on {@code from}; {@code fresh} if we did not hold it. */
  void received(PeerId from, MessageId id, boolean fresh) {
    if (fresh) {
      Missing m = missing.remove(id);
      if (m != null && m.timer != null) {
        m.timer.cancel();
      }
      arrived = id;
      arrivedHolders = m == null ? List.of() : m.announcers;
      firstCopies++;
      if (lazy.containsKey(from)) {
        firstCopyAt.put(from, firstCopies);
      }
    } else if (withdraw(from, id) && !isLazy(from) && !onSomeTree(from)) {
      lazy.put(from, true); // a second copy: this link is not on our tree
      effects.send(from, new Prune());
    }
  }

  /**
   * True if {@code from} brought a first copy lately (among the last {@link #USEFUL_FACTOR} × links
   * first copies received): it is on the tree of some author, so a duplicate on it (another
   * author's message, which came another way first) is no reason to cut it. Plumtree prunes on
   * every duplicate, which with many concurrent authors cuts an edge of each author's tree in turn
   * until the eager links fall apart and every message waits for a graft; a link that only ever
   * brings duplicates is still pruned.
   */
  private boolean onSomeTree(PeerId from) {
    Long at = firstCopyAt.get(from);
    return at != null && firstCopies - at < USEFUL_FACTOR * lazy.size();
  }

  /**
   * {@code p} has shown it holds {@code id}: an announcement of it waiting for the next batch is
   * dropped. With many authors both ends of a lazy link get most messages at about the same time,
   * and each announced every one to the other. Returns whether {@code p} is linked.
   */
  private boolean withdraw(PeerId p, MessageId id) {
    Set<MessageId> ids = pendingIHave.get(p);
    if (ids != null) {
      ids.remove(id);
    }
    return lazy.containsKey(p);
  }

  void onPrune(PeerId from) {
    if (lazy.containsKey(from)) {
      lazy.put(from, true);
    }
  }

  void onIHave(PeerId from, IHave h) {
    for (MessageId id : h.ids()) {
      if (held.test(id)) {
        withdraw(from, id);
        continue;
      }
      Missing m = missing.get(id);
      if (m == null) {
        if (missing.size() >= MAX_MISSING) {
          continue;
        }
        m = new Missing();
        missing.put(id, m);
        Missing mm = m;
        m.timer = scheduler.schedule(GRAFT_TIMEOUT_MS, () -> graft(id, mm));
      }
      if (m.announcers.size() < MAX_ANNOUNCERS && !m.announcers.contains(from)) {
        m.announcers.add(from);
      }
    }
  }

  /** The peer wants pushes again, starting with {@code ids}. */
  void onGraft(PeerId from, Graft g) {
    if (!lazy.containsKey(from)) {
      return;
    }
    lazy.put(from, false);
    answer.accept(from, g.ids());
  }

  private void graft(MessageId id, Missing m) {
    m.timer = null;
    if (missing.get(id) != m) {
      return;
    }
    if (held.test(id)) {
      missing.remove(id);
      return;
    }
    while (!m.announcers.isEmpty()) {
      PeerId p = m.announcers.remove(0);
      if (lazy.containsKey(p)) {
        lazy.put(p, false); // the link joins our tree: it will push to us, we to it
        List<MessageId> ids = new ArrayList<>();
        ids.add(id);
        m.timer = scheduler.schedule(GRAFT_RETRY_MS, () -> graft(id, m));
        alsoFrom(p, id, ids);
        effects.send(p, new Graft(ids));
        return;
      }
    }
    missing.remove(id); // nobody left to ask: anti-entropy will find it
  }

  /**
   * Adds to {@code ids} the other missing ids whose next announcer is {@code p} (a burst announced
   * together times out together), moving each on to its retry as if grafted on its own.
   */
  private void alsoFrom(PeerId p, MessageId first, List<MessageId> ids) {
    for (Map.Entry<MessageId, Missing> e : missing.entrySet()) {
      if (ids.size() >= MAX_IDS_PER_FRAME) {
        return;
      }
      Missing other = e.getValue();
      MessageId id = e.getKey();
      if (!id.equals(first) && !other.announcers.isEmpty() && other.announcers.get(0).equals(p)) {
        other.announcers.remove(0);
        if (other.timer != null) {
          other.timer.cancel();
        }
        other.timer = scheduler.schedule(GRAFT_RETRY_MS, () -> graft(id, other));
        ids.add(id);
      }
    }
  }

  private void flush() {
    flushTimer = null;
    for (Map.Entry<PeerId, Set<MessageId>> e : pendingIHave.entrySet()) {
      List<MessageId> ids = new ArrayList<>(e.getValue());
      for (int i = 0; i < ids.size(); i += MAX_IDS_PER_FRAME) {
        effects.send(
            e.getKey(), new IHave(ids.subList(i, Math.min(ids.size(), i + MAX_IDS_PER_FRAME))));
      }
    }
    pendingIHave.clear();
  }

  /** Ids announced to us and still missing (for tests and bounds). */
  int missingCount() {
    return missing.size();
  }
}
