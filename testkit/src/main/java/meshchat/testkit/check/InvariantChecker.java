package meshchat.testkit.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final Map<MessageId, ChatMessage> contents = new HashMap<>();
  private final Map<PeerId, Long> frozen = new HashMap<>(); // lowest disputed seq per author
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
    Long at = frozen.get(id.origin());
    return at != null && id.seq() >= at;
  }

  public static CheckReport check(History history) {
    InvariantChecker c = new InvariantChecker(history);
    c.noFork();
    c.lamportGrowsAlongDeps();
    for (PeerHistory p : history.peers()) {
      for (Segment s : p.segments()) {
        c.deliveryLog(p, s);
      }
    }
    List<PeerHistory> live = history.peers().stream().filter(PeerHistory::alive).toList();
    c.convergence(live);
    c.agreement(live);
    c.equivocation(live);
    long lost = c.noLoss(live);
    return new CheckReport(List.copyOf(c.violations), c.incomplete, lost);
  }

  /** No fork: every copy of an id, in any store or log, is the same message. */
  private void noFork() {
    Map<MessageId, String> firstSeenAt = new HashMap<>();
    Set<MessageId> reported = new HashSet<>();
    for (PeerHistory p : history.peers()) {
      List<ChatMessage> all = new ArrayList<>(p.finalStore());
      p.segments().forEach(s -> s.deliveries().forEach(d -> all.add(d.message())));
      for (ChatMessage m : all) {
        ChatMessage first = contents.putIfAbsent(m.id(), m);
        firstSeenAt.putIfAbsent(m.id(), p.name());
        if (first != null && !first.equals(m) && !disputed(m.id()) && reported.add(m.id())) {
          add(
              Invariant.NO_FORK,
              List.of(firstSeenAt.get(m.id()), p.name()),
              List.of(m.id()),
              "two different messages claim id "
                  + labels.of(m.id())
                  + " ("
                  + firstSeenAt.get(m.id())
                  + " holds \""
                  + first.text()
                  + "\", "
                  + p.name()
                  + " holds \""
                  + m.text()
                  + "\")");
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

  /** Lamport IR2 (Lamport 1978): a message is stamped later than everything it depends on. */
  private void lamportGrowsAlongDeps() {
    for (ChatMessage m : contents.values().stream().sorted(InvariantChecker::byId).toList()) {
      for (MessageId d : dependencies(m)) {
        ChatMessage dep = contents.get(d);
        if (dep != null && dep.lamport() >= m.lamport()) {
          add(
              Invariant.CAUSALITY,
              List.of(labels.of(m.origin())),
              List.of(m.id(), d),
              labels.of(m.id())
                  + " has Lamport time "
                  + m.lamport()
                  + ", not later than its dependency "
                  + labels.of(d)
                  + " at "
                  + dep.lamport()
                  + " (a skipped Lamport update)");
        }
      }
    }
  }

  /** Causality, FIFO, no duplicate and shown-order flags, for one store lifetime of one peer. */
  private void deliveryLog(PeerHistory p, Segment s) {
    Set<MessageId> shown = new HashSet<>(s.restored());
    Map<PeerId, Long> lastSeq = new HashMap<>();
    Map<PeerId, Long> incompleteUpTo = new HashMap<>();
    // What the store held at a restart counts as shown, as the core counts it (Room.start): a
    // message arriving later that sorts before the newest of them is late.
    ChatMessage maxShown = null;
    for (MessageId id : s.restored()) {
      ChatMessage m = contents.get(id);
      if (m != null && (maxShown == null || m.timestamp().compareTo(maxShown.timestamp()) > 0)) {
        maxShown = m;
      }
    }
    for (Delivered d : s.deliveries()) {
      ChatMessage m = d.message();
      boolean duplicate = !shown.add(m.id());
      if (duplicate) {
        add(
            Invariant.NO_DUPLICATE,
            List.of(p.name()),
            List.of(m.id()),
            p.name() + " showed " + labels.of(m.id()) + " twice");
      } else if (d.incomplete()) {
        incomplete++;
        incompleteUpTo.merge(m.origin(), m.seq(), Math::max);
      } else {
        for (MessageId dep : dependencies(m)) {
          if (!shown.contains(dep)) {
            add(
                Invariant.CAUSALITY,
                List.of(p.name()),
                List.of(m.id(), dep),
                p.name()
                    + " showed "
                    + labels.of(m.id())
                    + " before its dependency "
                    + labels.of(dep));
          }
        }
      }
      long last = lastSeq.getOrDefault(m.origin(), 0L);
      if (!duplicate && m.seq() < last && m.seq() >= incompleteUpTo.getOrDefault(m.origin(), 0L)) {
        add(
            Invariant.FIFO,
            List.of(p.name()),
            List.of(m.id(), new MessageId(m.origin(), last)),
            p.name()
                + " showed "
                + labels.of(m.id())
                + " after "
                + labels.of(new MessageId(m.origin(), last)));
      }
      lastSeq.put(m.origin(), Math.max(last, m.seq()));
      boolean late = maxShown != null && m.timestamp().compareTo(maxShown.timestamp()) < 0;
      if (late != d.late()) {
        add(
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

  /** Convergence: every live peer holds the same set as the first live peer. */
  private void convergence(List<PeerHistory> live) {
    if (live.isEmpty()) {
      return;
    }
    PeerHistory ref = live.get(0);
    Set<MessageId> refIds = ids(ref.finalStore());
    for (PeerHistory p : live.subList(1, live.size())) {
      Set<MessageId> mine = ids(p.finalStore());
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
        if (store.get(i - 1).timestamp().compareTo(store.get(i).timestamp()) >= 0) {
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
    Set<MessageId> universe = new LinkedHashSet<>();
    for (PeerHistory p : history.peers()) {
      universe.addAll(ids(p.finalStore()));
    }
    long lostWithWipe = 0;
    for (History.Sent s : history.sent()) {
      if (disputed(s.id())) {
        continue;
      } else if (s.authorStoreKept()) {
        universe.add(s.id());
      } else if (!universe.contains(s.id())) {
        lostWithWipe++;
      }
    }
    for (PeerHistory p : live) {
      List<MessageId> lacks = minus(universe, ids(p.finalStore()));
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

  private static List<MessageId> dependencies(ChatMessage m) {
    List<MessageId> out = new ArrayList<>(m.deps());
    MessageId prev = m.id().previous();
    if (prev != null && !out.contains(prev)) {
      out.add(prev);
    }
    return out;
  }

  /** The ids of {@code ms} that are not disputed. */
  private Set<MessageId> ids(List<ChatMessage> ms) {
    Set<MessageId> out = new LinkedHashSet<>();
    ms.stream().filter(m -> !disputed(m.id())).forEach(m -> out.add(m.id()));
    return out;
  }

  private static List<MessageId> minus(Set<MessageId> a, Set<MessageId> b) {
    return a.stream().filter(x -> !b.contains(x)).sorted(InvariantChecker::byId).toList();
  }

  private static int byId(MessageId a, MessageId b) {
    int c = a.origin().compareTo(b.origin());
    return c != 0 ? c : Long.compare(a.seq(), b.seq());
  }

  private static int byId(ChatMessage a, ChatMessage b) {
    return byId(a.id(), b.id());
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
}
