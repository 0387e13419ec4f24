package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.IHave;
import meshchat.peer.message.LinkMessage.Prune;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorBytes;
import meshchat.peer.sync.AuthorIndex;

/**
 * Epidemic broadcast trees (Plumtree: Leitão, Pereira, Rodrigues 2007) over the room's links, one
 * tree per author.
 *
 * <p>For each author, each link is <i>eager</i> (that author's messages are pushed whole on it) or
 * <i>lazy</i> (only their ids, in batched IHave frames). Every link starts eager for everyone. A
 * live message that arrives twice prunes the second link: for every author (an empty Prune) if the
 * link has not brought a first copy lately, else for the message's author only (a Prune naming it,
 * batched with the ids). A Prune for an author stops that author's messages both ways (the link's
 * peer had it before us, so we are not its parent on that tree); a Prune of the whole link stops
 * only what the link's peer pushes to us: what we push to it is its to prune, as we may be its
 * parent on some authors' trees. So each author's eager links shrink to the first copies of that
 * author's messages, and a new author's first messages follow the links that carry first copies
 * rather than flooding. And an author whose first message reaches us starts on the room's
 * <i>default tree</i>, not on every link: the links that the trees of at least half the authors we
 * number keep (iroh-gossip keeps one eager set for all messages, so a new sender's first message
 * rides the tree the others built); every other link is lazy for it from the start, its ids
 * announced as any lazy link's, grafted where the tree misses a peer (PrunedLinks#startTree; at 400
 * peers × 5 messages the first messages took 3 copies per first delivery, as many as all later ones
 * together: docs/simulation.md, session 36). An id announced by IHave and still missing after
 * {@link #GRAFT_TIMEOUT_MS} is asked for with Graft on the link that announced it, which turns that
 * link eager again for the authors of the ids it names, and for no other: a link pruned whole stays
 * pruned, by name, for every other author the receiver holds. The tree heals around a crashed or
 * slow peer, and anti-entropy (digests) stays the safety net for anything both miss. One Graft asks
 * for every id still missing from that announcer, so a burst lost upstream costs one Graft and one
 * answer, not one per message; the answer carries the chain heads that prove it (the room builds
 * it: {@code answer}).
 *
 * <p>Plumtree keeps a tree per sender. One tree shared by all authors is cut by every author's
 * duplicates in turn, and keeping whole every link that lately brought any first copy keeps nearly
 * every link eager when many authors talk at once (docs/decisions/0010-a-tree-per-author.md);
 * gossipsub keeps a mesh per topic for the same reason.
 *
 * <p>From gossipsub (v1.1) it borrows the batching of lazy ids into one frame per link per flush
 * (IHAVE gossip) and a bound on what a stranger's announcements can make us hold; not its mesh
 * degree maintenance (membership does that) nor scoring. Like gossipsub v1.2's IDONTWANT, but with
 * nothing on the wire: an id is not announced to a peer that has shown it holds it (it announced
 * the id to us, or sent us a copy) before the batch leaves.
 */
final class Broadcast implements AntiEntropy.Tree {
  /** IHave ids wait this long for company, so a burst costs one frame per lazy link. */
  static final long IHAVE_DELAY_MS = 50;

  /**
   * How long an announced id may stay missing before it is grafted; then per further announcer.
   * iroh-gossip waits 80 ms, then 40 per announcer; 120 here, as an IHave already waited up to
   * {@link #IHAVE_DELAY_MS} for its batch
   * (docs/decisions/0014-a-graft-takes-back-only-its-authors.md).
   */
  static final long GRAFT_TIMEOUT_MS = 120;

  static final long GRAFT_RETRY_MS = 150;

  /**
   * A Graft on a link pruned whole marks it pruned for every author numbered, work in the number of
   * authors: at most once in this long per link. A peer alternating empty Prunes and Grafts (20,000
   * frames a second pass the link's rate limit) would otherwise have the room thread walk every
   * author for each pair. Within the gap the prunes by name of the last walk stand, and an author
   * numbered since starts eager, as on a new link: a few copies, pruned by their duplicates.
   */
  static final long PRUNE_ALL_GAP_MS = 1_000;

  /**
   * A link that brought a first copy among the last {@code USEFUL_FACTOR × links} first copies this
   * peer received is not pruned whole on a duplicate, only for the duplicate's author. 0 is
   * Plumtree as published; more keeps more of the tree through a crash of many peers, for more
   * copies (why 2: docs/decisions/0010-a-tree-per-author.md).
   */
  static final long USEFUL_FACTOR = 2;

  /** Most announced-but-missing ids tracked; more are left to anti-entropy. */
  static final int MAX_MISSING = 10_000;

  /**
   * Fewest announced-but-missing ids a link may add, whatever the links: its share is {@link
   * #MAX_MISSING} over the links up, at least this (rev30: one link's 40 frames of ids it never
   * sends filled the whole table, and every other link's announcement was dropped, never grafted).
   */
  static final int MIN_MISSING_SHARE = 256;

  /** Most announcers remembered per missing id. */
  static final int MAX_ANNOUNCERS = 4;

  private static final int MAX_IDS_PER_FRAME = 256;

  /**
   * Lazy links a relayed id is announced on, at most, chosen at random (gossipsub's D_lazy). With a
   * tree per author most links are lazy for most authors, so announcing every id on every one would
   * make ids a large share of the bytes; the other lazy links owe a digest, which tells them later.
   * Why 2: docs/decisions/0010-a-tree-per-author.md.
   */
  static final int LAZY_FANOUT = 2;

  /**
   * Links pruned for an author that a peer grafts back, at most, when it loses its parent on that
   * author's tree: a few new parents are enough to stay on it, and grafting every such link makes
   * the next message of each orphaned author a flood
   * (docs/decisions/0011-digests-wait-for-the-tree.md). 4, not 2: in a mass crash 30 % of the links
   * picked lead to peers that crash too (issue 13's 30 % crash of 1,000 missed 2,877 pairs at 3,
   * 2,509 at 4: docs/simulation.md, session 38).
   */
  static final int REGRAFT_FANOUT = 4;

  /**
   * Most authors a link remembers it was regrafted for, to regraft them elsewhere if it goes down
   * before their next message came (a list a link; 4,096 × 4 bytes of references at most).
   */
  static final int MAX_REGRAFTED = 4_096;

  private static final class Missing {
    final List<PeerId> announcers = new ArrayList<>(2);
    Scheduler.Cancellable timer;
    final Link by; // the link whose announcement added it: its share holds it

    Missing(Link by) {
      this.by = by;
      by.missing++;
    }
  }

  /**
   * Plumtree's state of one up link; the room keeps it with the link, so a push needs no lookup.
   */
  static final class Link {
    final PeerId id;
    // its bit in PrunedLinks; -1 past the 64th link, which is never pruned per author
    final int slot;
    boolean lazy; // it pruned us whole (an empty Prune): we push it ids only, of every author
    boolean toldWhole; // we pruned it whole, and sent it no Graft since
    long prunedAllAt = Long.MIN_VALUE / 2; // when a Graft last marked it pruned for every author
    long firstCopyAt; // the count of first copies when this link last brought one
    // ids to announce and authors to prune at the next flush, each once, in the order listed;
    // null: none listed since the last. Lists, not sets: a room forwards each id once, so an id is
    // never listed twice, and a flush's few ids cost less to scan than to hash into a new set.
    private List<MessageId> pendingIHave;
    private List<PeerId> pendingPrune;
    int missing; // announced-missing ids its announcements added, still tracked
    // authors this link was grafted for when a link that was their parent went down (regraft),
    // at most MAX_REGRAFTED: if it goes down too before another link brings their next message
    // (a mass crash takes both), they are orphans again, not left to anti-entropy
    private List<PeerId> regrafted;

    Link(PeerId id, int slot) {
      this.id = id;
      this.slot = slot;
    }
  }

  private final RoomEffects effects;
  private final Scheduler scheduler;
  private final Predicate<MessageId> held;
  private final ToLongFunction<PeerId> nextWanted;
  private final BiConsumer<PeerId, List<MessageId>> answer;
  private final RandomGenerator random;
  private final List<Link> skipped = new ArrayList<>(); // lazy links of the message being pushed
  private MessageId skippedId;
  private final Map<PeerId, Link> links = new HashMap<>(); // per up link
  private long usedSlots;
  private long firstCopies; // live messages received first, counted
  private final PrunedLinks pruned;
  // the links with ids to announce, and with authors to prune, in the order each was first listed
  // since the last flush: the pending sets live on the links, so a duplicate's withdrawal costs no
  // lookup
  private final List<Link> pendingIHave = new ArrayList<>();
  private final List<Link> pendingPrune = new ArrayList<>();
  private final Map<MessageId, Missing> missing = new HashMap<>();
  // the last id received first, and who had announced it to us: they hold it
  private MessageId arrived;
  private List<PeerId> arrivedHolders = List.of();
  private Scheduler.Cancellable flushTimer;

  Broadcast(
      RoomEffects effects,
      Scheduler scheduler,
      Predicate<MessageId> held,
      ToLongFunction<PeerId> nextWanted,
      BiConsumer<PeerId, List<MessageId>> answer,
      RandomGenerator random,
      AuthorIndex<PeerId> authors) {
    this(effects, scheduler, held, nextWanted, answer, random, authors, null);
  }

  /**
   * As above, the tree's parent links and pruned masks in the lanes of {@code bytes} that {@link
   * Holdings} names (the room's per-author bytes), or in bytes of their own if null.
   */
  Broadcast(
      RoomEffects effects,
      Scheduler scheduler,
      Predicate<MessageId> held,
      ToLongFunction<PeerId> nextWanted,
      BiConsumer<PeerId, List<MessageId>> answer,
      RandomGenerator random,
      AuthorIndex<PeerId> authors,
      AuthorBytes bytes) {
    // by the room's author numbering
    this.pruned =
        bytes == null
            ? new PrunedLinks(authors)
            : new PrunedLinks(authors, bytes, Holdings.PARENT_LANE, Holdings.PRUNED_LANE);
    this.random = random;
    this.nextWanted = nextWanted;
    this.effects = effects;
    this.scheduler = scheduler;
    this.held = held;
    this.answer = answer;
  }

  /** A link came up: its state, which the room hands back with each push and receipt. */
  Link linkUp(PeerId p) {
    int slot = Long.numberOfTrailingZeros(~usedSlots);
    if (slot < PrunedLinks.SLOTS) {
      usedSlots |= 1L << slot;
    } else {
      slot = -1;
    }
    Link l = new Link(p, slot);
    links.put(p, l);
    return l;
  }

  void linkDown(PeerId p) {
    Link l = links.remove(p);
    if (l == null) {
      return;
    }
    if (l.pendingIHave != null) {
      pendingIHave.remove(l);
      l.pendingIHave = null;
    }
    if (l.pendingPrune != null) {
      pendingPrune.remove(l);
      l.pendingPrune = null;
    }
    List<PeerId> orphans = List.of();
    if (l.slot >= 0) {
      orphans = pruned.orphaned(l.slot);
      pruned.graftAll(l.slot); // the next link in this slot starts on every tree
      usedSlots &= ~(1L << l.slot);
    }
    if (l.regrafted != null) {
      // grafted for these after their parent went down, and gone before any link brought their
      // next message: they are still cut here (a mass crash goes link by link, and the regraft
      // after the first may have picked a peer that crashed with it)
      List<PeerId> again = new ArrayList<>(orphans);
      Set<PeerId> listed = new HashSet<>(orphans);
      for (PeerId author : l.regrafted) {
        if (!pruned.hasParent(author) && listed.add(author)) {
          again.add(author);
        }
      }
      l.regrafted = null;
      orphans = again;
    }
    if (!orphans.isEmpty()) {
      regraft(orphans);
    }
  }

  /**
   * A link is gone, and with it this peer's parent on the trees of {@code orphans} (the authors
   * whose latest first copy it brought): those trees may be cut right here, and waiting for each
   * missing id to be announced and grafted costs every message a graft timeout (Plumtree's
   * NeighborDown, per author tree). So, for each orphan, up to {@link #REGRAFT_FANOUT} links that
   * we pruned for it or pruned whole are asked to push that author again at once, by a Graft naming
   * the next id this peer lacks of that author (the answer carries it if that peer holds it). For a
   * moment this peer gets more copies; duplicates prune the extra links again. No link is grafted
   * whole: that made it push every author again, each a copy and a Prune
   * (docs/decisions/0014-a-graft-takes-back-only-its-authors.md).
   */
  private void regraft(List<PeerId> orphans) {
    int[] grafted = new int[orphans.size()];
    for (Map.Entry<PeerId, Link> e : links.entrySet()) {
      Link l = e.getValue();
      List<MessageId> ids = new ArrayList<>();
      if (l.slot >= 0) {
        for (int i = 0; i < orphans.size(); i++) {
          PeerId author = orphans.get(i);
          if (grafted[i] < REGRAFT_FANOUT && (l.toldWhole || pruned.pruned(author, l.slot))) {
            grafted[i]++;
            pruned.graft(author, l.slot);
            ids.add(new MessageId(author, nextWanted.applyAsLong(author)));
            remember(l, author);
          }
        }
      }
      if (!ids.isEmpty()) {
        l.toldWhole = false;
        sendGrafts(e.getKey(), ids);
      }
    }
  }

  /**
   * Notes that {@code l} was grafted for {@code author} by a regraft, at most {@link
   * #MAX_REGRAFTED} authors a link: past that, those with a parent again are dropped first, then
   * the new one is not noted (anti-entropy stays the safety net).
   */
  private void remember(Link l, PeerId author) {
    if (l.regrafted == null) {
      l.regrafted = new ArrayList<>();
    } else if (l.regrafted.size() >= MAX_REGRAFTED) {
      l.regrafted.removeIf(pruned::hasParent);
      if (l.regrafted.size() >= MAX_REGRAFTED) {
        return;
      }
    }
    l.regrafted.add(author);
  }

  /** One Graft for {@code ids} (some), or as many as the frame bound needs. */
  private void sendGrafts(PeerId to, List<MessageId> ids) {
    for (int i = 0; i < ids.size(); i += MAX_IDS_PER_FRAME) {
      effects.send(to, new Graft(ids.subList(i, Math.min(ids.size(), i + MAX_IDS_PER_FRAME))));
    }
  }

  /** True if a link that is up brought {@code author}'s latest first copy: we are on its tree. */
  @Override
  public boolean onTreeOf(PeerId author) {
    return pruned.hasParent(author);
  }

  /** True if {@code author}'s messages go to {@code p} as ids only. */
  boolean isLazy(PeerId p, PeerId author) {
    return isLazy(links.get(p), author);
  }

  private boolean isLazy(Link l, PeerId author) {
    return l != null && (l.lazy || (l.slot >= 0 && pruned.pruned(author, l.slot)));
  }

  /**
   * Pushes {@code chat} on {@code to}: the message if the link is eager for its author, its id if
   * lazy; {@code link} is {@code to}'s state ({@link #linkUp}). Returns true if the message itself
   * went (so its chain head must follow it).
   */
  boolean push(Link link, PeerId to, Chat chat) {
    MessageId id = chat.message().id();
    if (isLazy(link, id.origin())) {
      if (id.equals(arrived) && arrivedHolders.contains(to)) {
        return false; // it announced the id to us: it holds it
      }
      skipped.add(link);
      skippedId = id;
      return false;
    }
    effects.send(to, chat);
    return true;
  }

  /**
   * The pushes of one message are done: its id goes to at most {@link #LAZY_FANOUT} of the lazy
   * links it skipped, chosen at random.
   */
  void announce() {
    int n = skipped.size();
    for (int i = 0; i < Math.min(LAZY_FANOUT, n); i++) {
      Collections.swap(skipped, i, i + random.nextInt(n - i));
      Link l = skipped.get(i);
      if (l.pendingIHave == null) {
        l.pendingIHave = new ArrayList<>();
        pendingIHave.add(l);
      }
      l.pendingIHave.add(skippedId); // never listed yet: each id is forwarded once
    }
    if (n > 0) {
      skipped.clear();
      flushSoon();
    }
  }

  /**
   * Pushes an own message on {@code to}: always the message, even on a lazy link (gossipsub v1.1's
   * flood publishing). The author's direct links are the shortest path to each neighbour; a Prune
   * that made one of them lazy (a duplicate that came another way first, often while PeerLists are
   * still stale) would otherwise leave that neighbour waiting an IHave and a graft, a third of a
   * second, for every message the author writes after it. Relays still follow the tree.
   */
  void pushOwn(PeerId to, Chat chat) {
    effects.send(to, chat);
  }

  /**
   * A message arrived on {@code from}; {@code fresh} if we did not hold it, {@code live} if pushed
   * or grafted (not a history batch: only a live first copy makes {@code from} our parent on its
   * author's tree); {@code l} is {@code from}'s state ({@link #linkUp}).
   */
  void received(Link l, PeerId from, MessageId id, boolean fresh, boolean live) {
    if (fresh) {
      // an author we get a first message of starts on the room's default tree, not every link
      pruned.startDefaultTree(id.origin(), usedSlots);
      Missing m = forget(id);
      if (m != null && m.timer != null) {
        m.timer.cancel();
      }
      arrived = id;
      arrivedHolders = m == null ? List.of() : m.announcers;
      firstCopies++;
      if (l != null) {
        l.firstCopyAt = firstCopies;
        if (live && l.slot >= 0) {
          pruned.firstCopy(id.origin(), l.slot);
        }
      }
      return;
    }
    withdraw(l, id);
    if (l == null || l.toldWhole) {
      return; // our Prune of the whole link is on its way
    }
    boolean prunedForAuthor = l.slot >= 0 && pruned.pruned(id.origin(), l.slot);
    if (!onSomeTree(l)) {
      // only ever duplicates lately: the link is on none of our trees, so it stops pushing to us;
      // we go on pushing to it, all but this author, whom it had before us
      l.toldWhole = true;
      if (l.slot >= 0 && !prunedForAuthor) {
        pruned.prune(id.origin(), l.slot);
      }
      effects.send(from, new Prune());
    } else if (!prunedForAuthor && l.slot >= 0) {
      pruned.prune(id.origin(), l.slot); // on some author's tree, not on this one's
      if (l.pendingPrune == null) {
        l.pendingPrune = new ArrayList<>();
        pendingPrune.add(l);
      }
      if (!l.pendingPrune.contains(id.origin())) { // grafted and pruned again before the flush
        l.pendingPrune.add(id.origin());
      }
      flushSoon();
    }
  }

  /**
   * True if {@code l} brought a first copy lately (among the last {@link #USEFUL_FACTOR} × links
   * first copies received): it is on the tree of some author, so a duplicate on it (another
   * author's message, which came another way first) prunes it for that author only. A link that
   * only ever brings duplicates is pruned whole: a new author's first messages then follow the
   * links that carry first copies, instead of flooding every link until each author has a tree.
   */
  private boolean onSomeTree(Link l) {
    return l.firstCopyAt != 0 && firstCopies - l.firstCopyAt < USEFUL_FACTOR * links.size();
  }

  /**
   * {@code p} has shown it holds {@code id}: an announcement of it waiting for the next batch is
   * dropped. With many authors both ends of a lazy link get most messages at about the same time,
   * and each announced every one to the other.
   */
  private static void withdraw(Link l, MessageId id) {
    if (l != null && l.pendingIHave != null) {
      l.pendingIHave.remove(id);
    }
  }

  void onPrune(PeerId from, Prune p) {
    Link l = links.get(from);
    if (l == null) {
      return;
    }
    if (p.origins().isEmpty()) {
      l.lazy = true;
    } else if (l.slot >= 0) {
      for (PeerId author : p.origins()) {
        pruned.prune(author, l.slot);
      }
    }
  }

  void onIHave(PeerId from, IHave h) {
    Link link = links.get(from);
    for (MessageId id : h.ids()) {
      if (held.test(id)) {
        withdraw(link, id);
        continue;
      }
      Missing m = missing.get(id);
      if (m == null) {
        if (link == null || !roomFor(link)) {
          continue; // left to anti-entropy
        }
        m = new Missing(link);
        missing.put(id, m);
        Missing mm = m;
        m.timer = scheduler.schedule(GRAFT_TIMEOUT_MS, () -> graft(id, mm));
      }
      if (m.announcers.size() < MAX_ANNOUNCERS && !m.announcers.contains(from)) {
        m.announcers.add(from);
      }
    }
  }

  /**
   * {@code from}'s digest named {@code ids} (an author's latest few messages beyond all we hold)
   * and nothing is on its way any more: our parent on that author's tree is gone (a crash
   * upstream), or the tree had its time. The digest stands for an IHave, and the ids are grafted
   * from {@code from} now, not after {@link #GRAFT_TIMEOUT_MS}: the answer comes as live messages
   * and {@code from} becomes our parent, so the author's next messages come by the tree again
   * instead of by the next digests (docs/decisions/0012-a-digest-is-an-ihave.md).
   */
  @Override
  public void graftFrom(PeerId from, List<MessageId> ids) {
    Link link = links.get(from);
    if (link == null) {
      return;
    }
    List<MessageId> added = new ArrayList<>();
    for (MessageId id : ids) {
      if (held.test(id) || missing.containsKey(id) || !roomFor(link)) {
        continue; // held, already announced and on its way to a graft of its own, or no room
      }
      Missing m = new Missing(link);
      m.announcers.add(from);
      missing.put(id, m);
      added.add(id);
    }
    for (MessageId id : added) {
      Missing m = missing.get(id);
      if (m != null && m.timer == null) {
        graft(id, m); // takes along the others `from` announced, up to a frame's worth
      }
    }
  }

  /**
   * The peer wants pushes again of the authors of {@code ids}, starting with {@code ids}. A link it
   * pruned whole goes back on those authors' trees only, and stays pruned, by name, for every other
   * author we number (one we do not number yet starts eager, as on a new link); an empty Graft
   * (which this peer no longer sends) takes it back whole.
   */
  void onGraft(PeerId from, Graft g) {
    Link l = links.get(from);
    if (l == null) {
      return;
    }
    if (l.lazy) {
      long now = scheduler.nowMillis();
      if (!g.ids().isEmpty() && l.slot >= 0 && now - l.prunedAllAt >= PRUNE_ALL_GAP_MS) {
        l.prunedAllAt = now;
        pruned.pruneAll(l.slot); // work in the authors numbered: once a gap per link
      } // else the prunes of the last walk stand, and authors numbered since start eager
      l.lazy = false;
    }
    graftAuthors(l, g.ids());
    answer.accept(from, g.ids());
  }

  /** {@code l} is on the trees of the authors of {@code ids} (both ways). */
  private void graftAuthors(Link l, List<MessageId> ids) {
    if (l.slot >= 0) {
      for (MessageId id : ids) {
        pruned.graft(id.origin(), l.slot);
      }
    }
  }

  private void graft(MessageId id, Missing m) {
    m.timer = null;
    if (missing.get(id) != m) {
      return;
    }
    if (held.test(id)) {
      forget(id);
      return;
    }
    while (!m.announcers.isEmpty()) {
      PeerId p = m.announcers.remove(0);
      Link l = links.get(p);
      if (l != null) {
        List<MessageId> ids = new ArrayList<>();
        ids.add(id);
        m.timer = scheduler.schedule(GRAFT_RETRY_MS, () -> graft(id, m));
        alsoFrom(p, id, ids);
        l.toldWhole = false; // it learns from the Graft that it is on these authors' trees
        graftAuthors(l, ids); // the link joins these authors' trees: it pushes to us, we to it
        effects.send(p, new Graft(ids));
        return;
      }
    }
    forget(id); // nobody left to ask: anti-entropy will find it
  }

  /**
   * Whether {@code l} may add an announced-missing id: the table has room, and {@code l} holds less
   * than its share of it ({@link #MIN_MISSING_SHARE}). The table may still be full of ids a link
   * added when fewer links were up; those leave within a graft timeout and its retries.
   */
  private boolean roomFor(Link l) {
    return missing.size() < MAX_MISSING
        && l.missing < Math.max(MIN_MISSING_SHARE, MAX_MISSING / Math.max(1, links.size()));
  }

  /** Stops tracking {@code id} as announced and missing; what was tracked, or null. */
  private Missing forget(MessageId id) {
    Missing m = missing.remove(id);
    if (m != null) {
      m.by.missing--;
    }
    return m;
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

  private void flushSoon() {
    if (flushTimer == null) {
      flushTimer = scheduler.schedule(IHAVE_DELAY_MS, this::flush);
    }
  }

  private void flush() {
    flushTimer = null;
    for (Link l : pendingPrune) {
      List<PeerId> authors = l.pendingPrune;
      l.pendingPrune = null;
      for (int i = 0; i < authors.size(); i += MAX_IDS_PER_FRAME) {
        effects.send(
            l.id, new Prune(authors.subList(i, Math.min(authors.size(), i + MAX_IDS_PER_FRAME))));
      }
    }
    pendingPrune.clear();
    for (Link l : pendingIHave) {
      List<MessageId> ids = l.pendingIHave;
      l.pendingIHave = null;
      for (int i = 0; i < ids.size(); i += MAX_IDS_PER_FRAME) {
        effects.send(l.id, new IHave(ids.subList(i, Math.min(ids.size(), i + MAX_IDS_PER_FRAME))));
      }
    }
    pendingIHave.clear();
  }

  /** Ids announced to us and still missing (for tests and bounds). */
  int missingCount() {
    return missing.size();
  }
}
