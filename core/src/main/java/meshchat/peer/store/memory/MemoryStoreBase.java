package meshchat.peer.store.memory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;

/**
 * What both memory stores keep alike beside their messages, which each keeps its own way: the clock
 * and own seq saved with own messages, conflicting versions, the messages shown before their deps,
 * each origin's chain heads (in flat arrays, {@link HeadLog}), and the search of the canonical
 * order.
 */
abstract class MemoryStoreBase implements MessageStore {
  private final Set<ChatMessage> conflicts = new LinkedHashSet<>();
  private Map<PeerId, Integer> conflictsOf; // made on first use
  long savedLamport;
  long savedOwnSeq;
  // per origin, its kept heads in flat arrays: no object per head
  private final Map<PeerId, HeadLog> heads = new HashMap<>();
  private LinkedHashSet<MessageId> waiting; // made on first use: most simulated peers hold none
  // refused as backdated (markHidden), left out of history: made on first use, at most a row each
  private Set<MessageId> hidden;

  /** Where the heads' hashes and signatures go. */
  abstract MessageArena headBytes();

  /** How many messages the canonical order holds. */
  abstract int orderSize();

  /**
   * The message at {@code index} of the canonical order against the timestamp (lamport, origin).
   */
  abstract int compareAt(int index, long lamport, PeerId origin);

  /**
   * A second version of a stored message's id: kept aside and counted, never stored; at most {@link
   * MessageStore#MAX_CONFLICTS_PER_ORIGIN} per origin.
   */
  final AppendResult conflict(ChatMessage message) {
    if (conflictsOf == null) {
      conflictsOf = new HashMap<>();
    }
    int n = conflictsOf.getOrDefault(message.origin(), 0);
    if (n < MAX_CONFLICTS_PER_ORIGIN && conflicts.add(message)) {
      conflictsOf.put(message.origin(), n + 1);
    }
    return AppendResult.CONFLICT;
  }

  // the author quota's charges by (origin, old, hour): made on first use, a day's worth kept
  private Map<Charge, Long> charges;

  @Override
  public void charge(PeerId origin, boolean old, long hour, long bytes) {
    if (charges == null) {
      charges = new HashMap<>();
    }
    charges.merge(new Charge(origin, old, hour, 0), bytes, Long::sum);
  }

  @Override
  public List<Charge> charges(long fromHour) {
    if (charges == null) {
      return List.of();
    }
    charges.keySet().removeIf(c -> c.hour() < fromHour);
    List<Charge> out = new java.util.ArrayList<>(charges.size());
    charges.forEach((c, b) -> out.add(new Charge(c.origin(), c.old(), c.hour(), b)));
    return out;
  }

  @Override
  public void markWaiting(MessageId id) {
    if (waiting == null) {
      waiting = new LinkedHashSet<>();
    }
    waiting.add(id);
  }

  @Override
  public void markShown(MessageId id) {
    if (waiting != null) {
      waiting.remove(id);
    }
  }

  @Override
  public void markHidden(MessageId id) {
    if (lamportOf(id).isEmpty()) {
      return; // not stored: nothing to leave out (as SQLite's UPDATE of no row)
    }
    if (hidden == null) {
      hidden = new HashSet<>();
    }
    hidden.add(id);
  }

  /** Whether any stored message is marked hidden: if not, history reads a plain slice. */
  final boolean anyHidden() {
    return hidden != null && !hidden.isEmpty();
  }

  /** Whether {@code id} is marked hidden ({@link #markHidden}). */
  final boolean isHidden(MessageId id) {
    return hidden != null && hidden.contains(id);
  }

  @Override
  public List<MessageId> waiting() {
    return waiting == null ? List.of() : List.copyOf(waiting);
  }

  @Override
  public void appendOwn(ChatMessage message, long lamport) {
    append(message);
    savedLamport = Math.max(savedLamport, lamport);
    savedOwnSeq = Math.max(savedOwnSeq, message.seq());
  }

  @Override
  public void putHead(ChainHead head) {
    heads.computeIfAbsent(head.origin(), o -> new HeadLog(o, headBytes())).putIfAbsent(head);
  }

  @Override
  public Optional<ChainHead> headAtOrAfter(PeerId origin, long seq) {
    HeadLog h = heads.get(origin);
    return Optional.ofNullable(h == null ? null : h.atOrAfter(seq));
  }

  // Where appends put their messages, as starting points for the next searches (each step of a
  // search reads the message's time from the arena, and a halving of the whole order takes ~17 of
  // them at 100,000 messages): the room asks for a late message's predecessor right after
  // storing it, which sorts just before where the append put it; and the next message that is not
  // the newest (another author's, of about the same time: docs/benchmarks.md, session 18) mostly
  // sorts near where the last such one went.
  private int lastInsert;
  private int lastInner;

  /** Records that an append put its message at {@code at} of the canonical order. */
  final void inserted(int at) {
    lastInsert = at;
    if (at < orderSize() - 1) {
      lastInner = at;
    }
  }

  /** The index of the first message that sorts after (lamport, origin). */
  final int firstAfter(long lamport, PeerId origin) {
    return search(lamport, origin, true, lastInner + 1);
  }

  /** The index of the first message that sorts at or after (lamport, origin). */
  final int firstAtOrAfter(long lamport, PeerId origin) {
    return search(lamport, origin, false, lastInsert);
  }

  /**
   * The first index whose message does not sort before (lamport, origin) (nor equal to it, if
   * {@code pastEqual}), galloping out from {@code hint} and then halving what the gallop bounded:
   * two comparisons when the hint is the answer, about twice the steps of a plain halving of the
   * span between them otherwise, and never more than that of the whole order plus the gallop.
   */
  private int search(long lamport, PeerId origin, boolean pastEqual, int hint) {
    int size = orderSize();
    int h = Math.min(Math.max(hint, 0), size);
    int lo;
    int hi;
    if (h == size || !before(h, lamport, origin, pastEqual)) {
      hi = h; // the answer is at most h: gallop down
      lo = 0;
      for (int step = 1; h - step >= 0; step <<= 1) {
        int probe = h - step;
        if (before(probe, lamport, origin, pastEqual)) {
          lo = probe + 1;
          break;
        }
        hi = probe;
      }
    } else {
      lo = h + 1; // the answer is above h: gallop up
      hi = size;
      for (int step = 1; h + step < size; step <<= 1) {
        int probe = h + step;
        if (!before(probe, lamport, origin, pastEqual)) {
          hi = probe;
          break;
        }
        lo = probe + 1;
      }
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (before(mid, lamport, origin, pastEqual)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private boolean before(int index, long lamport, PeerId origin, boolean pastEqual) {
    int c = compareAt(index, lamport, origin);
    return c < 0 || (pastEqual && c == 0);
  }

  @Override
  public long conflictCount() {
    return conflicts.size();
  }

  @Override
  public void close() {}
}
