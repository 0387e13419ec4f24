package meshchat.testkit.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * Judges a {@link History} against every {@link Invariant}. Pure: no clock, no randomness, output
 * order fixed by the history's order. Per-peer invariants (causality, FIFO, duplicates, shown
 * order) read the delivery log; whole-room invariants (convergence, agreement, no loss, no fork)
 * read the final stores.
 */
public final class InvariantChecker {
  private static final int MAX_LISTED = 5;

  private final History history;
  private final History.Labels labels;
  private final List<Violation> violations = new ArrayList<>();
  // Every id the history names (stored, shown, restored, depended on, sent), numbered: the sets
  // the checks build per peer and per store lifetime are bit sets over these numbers. A 1,000-peer
  // run checks millions of (peer, message) pairs, and a hash set of ids per peer cost a node each.
  private final Map<MessageId, Integer> index = new HashMap<>();
  private final List<MessageId> ids = new ArrayList<>();
  private final List<ChatMessage> contents = new ArrayList<>(); // the first copy met; null: id only
  private final Map<PeerId, Integer> authors = new HashMap<>(); // origin -> its number
  private int[] authorOf = new int[0]; // per message number, its origin's number
  private int[][] depsOf = new int[0][]; // per message number, dependencies(m)'s numbers
  private final Map<PeerId, Long> frozen = new HashMap<>(); // lowest disputed seq per author
  private final Map<PeerHistory, BitSet> storeIds = new IdentityHashMap<>();
  // Per table that numbers delivery logs' messages (DeliveryLog.Messages, one per simulated run),
  // by a message's number there: its number here + 1, or 0 while not yet asked. A log numbers its
  // messages by instance, so each delivery costs an array read here, not a hash lookup by id (a
  // million lookups of cold ids at 100 x 100: 4 % of the run, session 23). The same instance has
  // the same id and content, so the answer is what the lookup would give.
  private final Map<DeliveryLog.Messages, int[]> byLogNumber = new IdentityHashMap<>();
  private long incomplete;

  private InvariantChecker(History history) {
    this.history = history;
    this.labels = history.labels();
    for (PeerHistory p : history.peers()) {
      p.equivocators().forEach((o, seq) -> frozen.merge(o, seq, Math::min));
    }
  }

  /**
   * A message of an author proven to equivocate, at or above the seq its history is frozen at:
   * peers keep whichever version they met and pass none on, so these are exempt from convergence,
   * no loss and no fork; everything below must still agree.
   */
  private boolean disputed(MessageId id) {
    if (frozen.isEmpty()) {
      return false;
    }
    Long at = frozen.get(id.origin());
    return at != null && id.seq() >= at;
  }

  public static CheckReport check(History history) {
    return check(history, 1);
  }

  /**
   * As {@link #check(History)}, the per-peer parts (each store lifetime's delivery log, each final
   * store's ids) on up to {@code threads} threads: the same report, violations in the same order,
   * for any number of threads, as each part's findings are kept apart and added in peer order.
   */
  public static CheckReport check(History history, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    InvariantChecker c = new InvariantChecker(history);
    c.noFork();
    c.numberTheRest();
    c.lamportGrowsAlongDeps();
    c.deliveryLogs(threads);
    c.storeIds(threads);
    List<PeerHistory> live = history.peers().stream().filter(PeerHistory::alive).toList();
    c.convergence(live);
    c.agreement(live);
    c.equivocation(live);
    long lost = c.noLoss(live);
    return new CheckReport(List.copyOf(c.violations), c.incomplete, lost);
  }

  /**
   * The number of {@code id}, numbered now if new; {@code m} is its first copy (null: none yet).
   */
  private int number(MessageId id, ChatMessage m) {
    Integer known = index.get(id);
    if (known != null) {
      if (m != null && contents.get(known) == null) {
        contents.set(known, m);
      }
      return known;
    }
    int i = ids.size();
    index.put(id, i);
    ids.add(id);
    contents.add(m);
    return i;
  }

  private int numberOf(MessageId id) {
    Integer i = index.get(id);
    return i == null ? -1 : i;
  }

  /**
   * The number of delivery {@code k} of {@code log}, message {@code m}: {@link #number} (or, with
   * {@code numberIfNew} false, {@link #numberOf}) asked once per message instance of a {@link
   * DeliveryLog}; a list of another kind is asked each time.
   */
  private int numberOfDelivery(List<Delivered> log, int k, ChatMessage m, boolean numberIfNew) {
    if (!(log instanceof DeliveryLog d)) {
      return numberIfNew ? number(m.id(), m) : numberOf(m.id());
    }
    DeliveryLog.Messages table = d.numbers();
    int n = d.numberAt(k);
    int[] memo = byLogNumber.get(table);
    if (memo == null || n >= memo.length) {
      memo = Arrays.copyOf(memo == null ? new int[0] : memo, Math.max(table.size(), n + 1));
      byLogNumber.put(table, memo);
    }
    int known = memo[n] - 1;
    if (known >= 0) {
      return known;
    }
    int i = numberIfNew ? number(m.id(), m) : numberOf(m.id());
    if (i >= 0) {
      memo[n] = i + 1;
    }
    return i;
  }

  /** No fork: every copy of an id, in any store or log, is the same message. */
  private void noFork() {
    List<String> firstSeenAt = new ArrayList<>(); // per message number
    BitSet reported = new BitSet();
    for (PeerHistory p : history.peers()) {
      for (ChatMessage m : p.finalStore()) {
        sameAsFirst(p, m, number(m.id(), m), firstSeenAt, reported);
      }
      for (Segment s : p.segments()) {
        List<Delivered> log = s.deliveries();
        int k = 0;
        for (Delivered d : log) {
          ChatMessage m = d.message();
          sameAsFirst(p, m, numberOfDelivery(log, k++, m, true), firstSeenAt, reported);
        }
      }
      if (p.forkNotices() > 0 && frozen.isEmpty()) {
        add(
            Invariant.NO_FORK,
            List.of(p.name()),
            List.of(),
            p.name() + " reported " + p.forkNotices() + " fork(s) to its user");
      }
    }
  }

  /** {@code m}, numbered {@code i}, met at {@code p}: a fork if not the first copy met of it. */
  private void sameAsFirst(
      PeerHistory p, ChatMessage m, int i, List<String> firstSeenAt, BitSet reported) {
    if (i == firstSeenAt.size()) {
      firstSeenAt.add(p.name());
    }
    ChatMessage first = contents.get(i);
    if (first != m && !first.equals(m) && !disputed(m.id()) && !reported.get(i)) {
      reported.set(i);
      add(
          Invariant.NO_FORK,
          List.of(firstSeenAt.get(i), p.name()),
          List.of(m.id()),
          "two different messages claim id "
              + labels.of(m.id())
              + " ("
              + firstSeenAt.get(i)
              + " holds \""
              + first.text()
              + "\", "
              + p.name()
              + " holds \""
              + m.text()
              + "\")");
    }
  }

  /**
   * Numbers the ids that no copy carries (restored at a restart, depended on, sent), and notes each
   * message's origin and dependencies by number, once for all the logs that show it.
   */
  private void numberTheRest() {
    int messages = ids.size();
    for (PeerHistory p : history.peers()) {
      for (Segment s : p.segments()) {
        s.restored().forEach(id -> number(id, null));
      }
    }
    depsOf = new int[messages][];
    for (int i = 0; i < messages; i++) {
      List<MessageId> deps = dependencies(contents.get(i));
      int[] d = new int[deps.size()];
      for (int k = 0; k < d.length; k++) {
        d[k] = number(deps.get(k), null);
      }
      depsOf[i] = d;
    }
    for (History.Sent s : history.sent()) {
      number(s.id(), null);
    }
    authorOf = new int[ids.size()];
    for (int i = 0; i < authorOf.length; i++) {
      authorOf[i] = authors.computeIfAbsent(ids.get(i).origin(), o -> authors.size());
    }
  }

  /** Lamport IR2 (Lamport 1978): a message is stamped later than everything it depends on. */
  private void lamportGrowsAlongDeps() {
    List<Integer> order = new ArrayList<>(depsOf.length);
    for (int i = 0; i < depsOf.length; i++) {
      order.add(i);
    }
    order.sort((a, b) -> byId(ids.get(a), ids.get(b)));
    for (int i : order) {
      ChatMessage m = contents.get(i);
      for (int d : depsOf[i]) {
        ChatMessage dep = contents.get(d);
        if (dep != null && dep.lamport() >= m.lamport()) {
          add(
              Invariant.CAUSALITY,
              List.of(labels.of(m.origin())),
              List.of(m.id(), dep.id()),
              labels.of(m.id())
                  + " has Lamport time "
                  + m.lamport()
                  + ", not later than its dependency "
                  + labels.of(dep.id())
                  + " at "
                  + dep.lamport()
                  + " (a skipped Lamport update)");
        }
      }
    }
  }

  /** What the check of one store lifetime found: added to the report in peer order. */
  private static final class Found {
    final List<Violation> violations = new ArrayList<>();
    long incomplete;
  }

  /**
   * {@link #deliveryLog} of every store lifetime of every peer, on up to {@code threads} threads.
   * What they read (the numbering, every message's origin and dependencies, the memos of the
   * delivery logs' numbers, all complete once {@link #noFork} and {@link #numberTheRest} ran) is no
   * longer written, and each writes only its own {@link Found}.
   */
  private void deliveryLogs(int threads) {
    List<PeerHistory> owners = new ArrayList<>();
    List<Segment> segments = new ArrayList<>();
    for (PeerHistory p : history.peers()) {
      for (Segment s : p.segments()) {
        owners.add(p);
        segments.add(s);
      }
    }
    Found[] found = new Found[segments.size()];
    Split.run(
        found.length,
        threads,
        i -> {
          Found f = new Found();
          deliveryLog(owners.get(i), segments.get(i), f);
          found[i] = f;
        });
    for (Found f : found) {
      violations.addAll(f.violations);
      incomplete += f.incomplete;
    }
  }

  /** Each peer's final store's ids ({@link #ids}), made on up to {@code threads} threads. */
  private void storeIds(int threads) {
    List<PeerHistory> peers = history.peers();
    BitSet[] sets = new BitSet[peers.size()];
    Split.run(sets.length, threads, i -> sets[i] = idsOf(peers.get(i)));
    for (int i = 0; i < sets.length; i++) {
      storeIds.putIfAbsent(peers.get(i), sets[i]);
    }
  }

  /**
   * The number of delivery {@code k} of {@code log}, message {@code m}, or -1: {@link #numberOf},
   * read from the memo {@link #noFork} left for a {@link DeliveryLog} (it numbered every delivery),
   * and written nowhere, so that logs can be read on several threads at once.
   */
  private int shownNumber(List<Delivered> log, int k, ChatMessage m) {
    if (log instanceof DeliveryLog d) {
      int[] memo = byLogNumber.get(d.numbers());
      int n = d.numberAt(k);
      if (memo != null && n < memo.length && memo[n] > 0) {
        return memo[n] - 1;
      }
    }
    return numberOf(m.id());
  }

  /** Causality, FIFO, no duplicate and shown-order flags, for one store lifetime of one peer. */
  private void deliveryLog(PeerHistory p, Segment s, Found found) {
    BitSet shown = new BitSet(ids.size());
    long[] lastSeq = new long[authors.size()]; // per origin number
    long[] incompleteUpTo = new long[authors.size()];
    // What the store held at a restart counts as shown, as the core counts it (Room.start): a
    // message arriving later that sorts before the newest of them is late.
    ChatMessage maxShown = null;
    for (MessageId id : s.restored()) {
      int i = numberOf(id);
      shown.set(i);
      ChatMessage m = contents.get(i);
      if (m != null && (maxShown == null || canonical(m, maxShown) > 0)) {
        maxShown = m;
      }
    }
    List<Delivered> log = s.deliveries();
    int k = 0;
    for (Delivered d : log) {
      ChatMessage m = d.message();
      int i = shownNumber(log, k++, m);
      boolean duplicate = shown.get(i);
      shown.set(i);
      if (duplicate) {
        add(
            found,
            Invariant.NO_DUPLICATE,
            List.of(p.name()),
            List.of(m.id()),
            p.name() + " showed " + labels.of(m.id()) + " twice");
      } else if (d.incomplete()) {
        found.incomplete++;
        incompleteUpTo[authorOf[i]] = Math.max(incompleteUpTo[authorOf[i]], m.seq());
      } else {
        ChatMessage first = contents.get(i);
        if (m == first || m.equals(first)) {
          for (int dep : depsOf[i]) {
            if (!shown.get(dep)) {
              notShownBefore(found, p, m, ids.get(dep));
            }
          }
        } else { // a fork's other copy: its own dependencies
          for (MessageId dep : dependencies(m)) {
            int di = numberOf(dep);
            if (di < 0 || !shown.get(di)) {
              notShownBefore(found, p, m, dep);
            }
          }
        }
      }
      int a = authorOf[i];
      long last = lastSeq[a];
      if (!duplicate && m.seq() < last && m.seq() >= incompleteUpTo[a]) {
        add(
            found,
            Invariant.FIFO,
            List.of(p.name()),
            List.of(m.id(), new MessageId(m.origin(), last)),
            p.name()
                + " showed "
                + labels.of(m.id())
                + " after "
                + labels.of(new MessageId(m.origin(), last)));
      }
      lastSeq[a] = Math.max(last, m.seq());
      boolean late = maxShown != null && canonical(m, maxShown) < 0;
      if (late != d.late()) {
        add(
            found,
            Invariant.AGREEMENT,
            List.of(p.name()),
            maxShown == null ? List.of(m.id()) : List.of(m.id(), maxShown.id()),
            p.name()
                + " showed "
                + labels.of(m.id())
                + (late
                    ? " without the late flag, though it sorts before "
                    : " flagged late, though nothing shown sorts after it: ")
                + (maxShown == null ? "-" : labels.of(maxShown.id())));
      }
      if (!late) {
        maxShown = m;
      }
    }
  }

  private void notShownBefore(Found found, PeerHistory p, ChatMessage m, MessageId dep) {
    add(
        found,
        Invariant.CAUSALITY,
        List.of(p.name()),
        List.of(m.id(), dep),
        p.name() + " showed " + labels.of(m.id()) + " before its dependency " + labels.of(dep));
  }

  /** The canonical (Lamport time, origin) order of two messages, without a timestamp object. */
  private static int canonical(ChatMessage a, ChatMessage b) {
    int c = Long.compare(a.lamport(), b.lamport());
    return c != 0 ? c : a.origin().compareTo(b.origin());
  }

  /** Convergence: every live peer holds the same set as the first live peer. */
  private void convergence(List<PeerHistory> live) {
    if (live.isEmpty()) {
      return;
    }
    PeerHistory ref = live.get(0);
    BitSet refIds = ids(ref);
    for (PeerHistory p : live.subList(1, live.size())) {
      BitSet mine = ids(p);
      if (mine.equals(refIds)) {
        continue;
      }
      List<MessageId> lacks = minus(refIds, mine);
      List<MessageId> extra = minus(mine, refIds);
      if (!lacks.isEmpty() || !extra.isEmpty()) {
        List<MessageId> both = new ArrayList<>(lacks);
        both.addAll(extra);
        add(
            Invariant.CONVERGENCE,
            List.of(ref.name(), p.name()),
            both,
            p.name()
                + " differs from "
                + ref.name()
                + ": lacks "
                + lacks.size()
                + " "
                + listed(lacks)
                + ", has "
                + extra.size()
                + " more "
                + listed(extra));
      }
    }
  }

  /** Equivocation: every live peer names the same authors, frozen at the same seq. */
  private void equivocation(List<PeerHistory> live) {
    for (PeerHistory p : live) {
      if (!p.equivocators().equals(frozen)) {
        add(
            Invariant.EQUIVOCATION,
            List.of(p.name()),
            List.of(),
            p.name()
                + " names "
                + named(p.equivocators())
                + " as equivocating, the room "
                + named(frozen));
      }
    }
  }

  private String named(Map<PeerId, Long> authors) {
    if (authors.isEmpty()) {
      return "nobody";
    }
    List<String> out = new ArrayList<>();
    authors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.add(labels.of(e.getKey()) + " from #" + e.getValue()));
    return String.join(", ", out);
  }

  /** Agreement: each store lists its messages in canonical (Lamport, origin) order. */
  private void agreement(List<PeerHistory> live) {
    for (PeerHistory p : live) {
      List<ChatMessage> store = p.finalStore();
      for (int i = 1; i < store.size(); i++) {
        if (canonical(store.get(i - 1), store.get(i)) >= 0) {
          add(
              Invariant.AGREEMENT,
              List.of(p.name()),
              List.of(store.get(i - 1).id(), store.get(i).id()),
              p.name()
                  + " orders "
                  + labels.of(store.get(i - 1).id())
                  + " before "
                  + labels.of(store.get(i).id())
                  + ", against canonical order");
          break;
        }
      }
    }
  }

  /**
   * No loss: every message that survives somewhere (a store still present at the end, or a live
   * author's own store lifetime) is in every live peer's store.
   */
  private long noLoss(List<PeerHistory> live) {
    BitSet universe = new BitSet(ids.size());
    for (PeerHistory p : history.peers()) {
      universe.or(ids(p));
    }
    long lostWithWipe = 0;
    for (History.Sent s : history.sent()) {
      int i = numberOf(s.id());
      if (disputed(s.id())) {
        continue;
      } else if (s.authorStoreKept()) {
        universe.set(i);
      } else if (!universe.get(i)) {
        lostWithWipe++;
      }
    }
    for (PeerHistory p : live) {
      List<MessageId> lacks = minus(universe, ids(p));
      if (!lacks.isEmpty()) {
        add(
            Invariant.NO_LOSS,
            List.of(p.name()),
            lacks,
            p.name() + " never received " + lacks.size() + " accepted message(s) " + listed(lacks));
      }
    }
    return lostWithWipe;
  }

  /** {@code m}'s dependencies and its author's previous message; none for an id without a copy. */
  private static List<MessageId> dependencies(ChatMessage m) {
    if (m == null) {
      return List.of();
    }
    List<MessageId> out = new ArrayList<>(m.deps());
    MessageId prev = m.id().previous();
    if (prev != null && !out.contains(prev)) {
      out.add(prev);
    }
    return out;
  }

  /**
   * The numbers of the ids in {@code p}'s final store that are not disputed; made once per peer.
   */
  private BitSet ids(PeerHistory p) {
    BitSet out = storeIds.get(p);
    if (out == null) {
      out = idsOf(p);
      storeIds.put(p, out);
    }
    return out;
  }

  /** {@link #ids}, made anew; it reads the numbering and writes nothing of the checker's. */
  private BitSet idsOf(PeerHistory p) {
    BitSet out = new BitSet(ids.size());
    for (ChatMessage m : p.finalStore()) {
      if (!disputed(m.id())) {
        out.set(numberOf(m.id()));
      }
    }
    return out;
  }

  /** The ids numbered in {@code a} and not in {@code b}, in id order. */
  private List<MessageId> minus(BitSet a, BitSet b) {
    BitSet d = (BitSet) a.clone();
    d.andNot(b);
    List<MessageId> out = new ArrayList<>(d.cardinality());
    for (int i = d.nextSetBit(0); i >= 0; i = d.nextSetBit(i + 1)) {
      out.add(ids.get(i));
    }
    out.sort(InvariantChecker::byId);
    return out;
  }

  private static int byId(MessageId a, MessageId b) {
    int c = a.origin().compareTo(b.origin());
    return c != 0 ? c : Long.compare(a.seq(), b.seq());
  }

  private String listed(List<MessageId> ids) {
    if (ids.isEmpty()) {
      return "";
    }
    List<String> shown = ids.stream().limit(MAX_LISTED).map(labels::of).toList();
    return "[" + String.join(", ", shown) + (ids.size() > MAX_LISTED ? ", ..." : "") + "]";
  }

  private void add(Invariant i, List<String> peers, List<MessageId> ids, String detail) {
    violations.add(new Violation(i, peers, ids.stream().map(labels::of).toList(), detail));
  }

  private void add(
      Found found, Invariant i, List<String> peers, List<MessageId> ids, String detail) {
    found.violations.add(new Violation(i, peers, ids.stream().map(labels::of).toList(), detail));
  }
}
