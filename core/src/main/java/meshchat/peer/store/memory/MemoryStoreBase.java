package meshchat.peer.store.memory;

import java.util.HashMap;
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
  long savedLamport;
  long savedOwnSeq;
  // per origin, its kept heads in flat arrays: no object per head
  private final Map<PeerId, HeadLog> heads = new HashMap<>();
  private LinkedHashSet<MessageId> waiting; // made on first use: most simulated peers hold none

  /** Where the heads' hashes and signatures go. */
  abstract MessageArena headBytes();

  /** How many messages the canonical order holds. */
  abstract int orderSize();

  /**
   * The message at {@code index} of the canonical order against the timestamp (lamport, origin).
   */
  abstract int compareAt(int index, long lamport, PeerId origin);

  /** A second version of a stored message's id: kept aside and counted, never stored. */
  final AppendResult conflict(ChatMessage message) {
    conflicts.add(message);
    return AppendResult.CONFLICT;
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

  /** The index of the first message that sorts after (lamport, origin). */
  final int firstAfter(long lamport, PeerId origin) {
    return search(lamport, origin, true);
  }

  /** The index of the first message that sorts at or after (lamport, origin). */
  final int firstAtOrAfter(long lamport, PeerId origin) {
    return search(lamport, origin, false);
  }

  private int search(long lamport, PeerId origin, boolean pastEqual) {
    int lo = 0;
    int hi = orderSize();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareAt(mid, lamport, origin);
      if (c < 0 || (pastEqual && c == 0)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public long conflictCount() {
    return conflicts.size();
  }

  @Override
  public void close() {}
}
