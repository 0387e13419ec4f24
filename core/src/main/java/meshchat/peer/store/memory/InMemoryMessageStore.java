package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * The in-memory twin of the SQLite store: the same contract, for the simulation and the tests. A
 * "crash that keeps the store" hands the same instance to the restarted peer. It keeps the messages
 * it is given: the simulation hands every peer the author's own instance, so a reference is all a
 * stored copy costs. A real peer decodes its own copies: {@link PackedMessageStore} keeps them
 * packed.
 */
public final class InMemoryMessageStore extends MemoryStoreBase {
  // every message in canonical (Lamport, origin) order: an array, not a TreeMap, because a
  // simulated peer keeps one per peer and a tree entry and its key cost 64 bytes per message held;
  // messages mostly arrive in order, so an insert rarely shifts more than a few
  private final ArrayList<ChatMessage> byOrder = new ArrayList<>();
  // per author index: the author's one message (most authors of a big room have written one when a
  // peer hears of them), or its OriginLog once it has two; found by one index lookup, in about 8
  // bytes per author besides the index, where a map entry and a log cost about 90
  private final AuthorIndex<PeerId> authors = new AuthorIndex<>();
  private Object[] logs = new Object[8];
  private long count;
  private MessageArena headBytes; // the heads' hashes and signatures; made on the first head

  /**
   * The store's author index while it numbers nobody: a room then numbers its authors by it, and
   * the logs array follows that numbering (an index may name an author the room numbered and this
   * store holds nothing of).
   */
  @Override
  public AuthorIndex<PeerId> authorsToShare() {
    return authors.size() == 0 ? authors : null;
  }

  @Override
  public Snapshot load(PeerId self) {
    Map<PeerId, SeqSet> holdings = new HashMap<>();
    long maxLamport = savedLamport;
    long ownSeq = savedOwnSeq;
    for (int a = 0; a < authors.size() && a < logs.length; a++) {
      List<ChatMessage> all = new ArrayList<>();
      Object log = logs[a];
      if (log == null) {
        continue; // numbered by a room that shares the index, nothing stored
      } else if (log instanceof ChatMessage only) {
        all.add(only);
      } else {
        ((OriginLog) log).forEach(all::add);
      }
      for (ChatMessage m : all) {
        holdings.computeIfAbsent(m.origin(), o -> new SeqSet()).add(m.seq());
        maxLamport = Math.max(maxLamport, m.lamport());
        if (m.origin().equals(self)) {
          ownSeq = Math.max(ownSeq, m.seq());
        }
      }
    }
    return new Snapshot(maxLamport, ownSeq, holdings);
  }

  @Override
  public AppendResult append(ChatMessage message) {
    int a = authors.add(message.origin());
    if (a >= logs.length) {
      logs = Arrays.copyOf(logs, AuthorIndex.grownLength(logs.length, a));
    }
    Object log = logs[a];
    ChatMessage existing = get(log, message.seq());
    if (existing != null) {
      if (existing.equals(message)) {
        return AppendResult.DUPLICATE;
      }
      return conflict(message);
    }
    if (log == null) {
      logs[a] = message;
    } else {
      OriginLog grown;
      if (log instanceof ChatMessage only) {
        grown = new OriginLog();
        grown.put(only.seq(), only);
        logs[a] = grown;
      } else {
        grown = (OriginLog) log;
      }
      grown.put(message.seq(), message);
    }
    int at = byOrder.size();
    if (at > 0 && compare(byOrder.get(at - 1), message.lamport(), message.origin()) > 0) {
      at = firstAfter(message.lamport(), message.origin());
    }
    byOrder.add(at, message);
    inserted(at);
    count++;
    return AppendResult.NEW;
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    return Optional.ofNullable(get(logOf(id.origin()), id.seq()));
  }

  /** The author's entry in logs: null, its one message, or its OriginLog. */
  private Object logOf(PeerId origin) {
    int a = authors.indexOf(origin);
    return a < 0 || a >= logs.length ? null : logs[a];
  }

  private static ChatMessage get(Object log, long seq) {
    if (log == null) {
      return null;
    }
    if (log instanceof ChatMessage only) {
      return only.seq() == seq ? only : null;
    }
    return ((OriginLog) log).get(seq);
  }

  @Override
  MessageArena headBytes() {
    if (headBytes == null) {
      headBytes = new MessageArena(MessageArena.MIN_CHUNK); // the simulation keeps no heads
    }
    return headBytes;
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange range, int limit) {
    Object log = logOf(origin);
    if (log instanceof ChatMessage only) {
      long seq = only.seq();
      return limit > 0 && seq >= range.first() && seq <= range.last() ? List.of(only) : List.of();
    }
    return log == null ? List.of() : ((OriginLog) log).range(range.first(), range.last(), limit);
  }

  @Override
  int orderSize() {
    return byOrder.size();
  }

  @Override
  int compareAt(int index, long lamport, PeerId origin) {
    return compare(byOrder.get(index), lamport, origin);
  }

  /** {@code m} against the timestamp (lamport, origin), in canonical order. */
  private static int compare(ChatMessage m, long lamport, PeerId origin) {
    int c = Long.compare(m.lamport(), lamport);
    return c != 0 ? c : m.origin().compareTo(origin);
  }

  @Override
  public List<ChatMessage> history(int limit) {
    int n = byOrder.size();
    return new ArrayList<>(byOrder.subList(n - Math.min(limit, n), n));
  }

  /**
   * Every stored message in canonical order, as a read-only view that follows the store, not a
   * copy: a finished simulation's checker reads every peer's (10^8 messages at 10,000 peers).
   */
  public List<ChatMessage> inOrderView() {
    return Collections.unmodifiableList(byOrder);
  }

  @Override
  public Optional<MessageId> predecessor(LamportTimestamp key) {
    int at = firstAtOrAfter(key.time(), key.origin());
    return at == 0 ? Optional.empty() : Optional.of(byOrder.get(at - 1).id());
  }

  @Override
  public List<MessageId> latest(int limit) {
    List<MessageId> out = new ArrayList<>();
    for (int i = byOrder.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(byOrder.get(i).id());
    }
    return out;
  }

  @Override
  public long count() {
    return count;
  }
}
