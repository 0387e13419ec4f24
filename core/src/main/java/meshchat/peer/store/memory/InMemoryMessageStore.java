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
  // per author index: the author's one message in the index's own entry (most authors of a big
  // room have written one when a peer hears of them: a 10,000-peer room's peers keep 10^8 such,
  // and a reference each beside the author cost 4.6 bytes per pair there), else the author (the
  // index's entry) and, once it has two, its log in logs; found by one index lookup, where a
  // map entry and a log cost about 90 bytes
  private final AuthorIndex<PeerId> authors = new AuthorIndex<>(InMemoryMessageStore::authorOf);
  // by author index, made when an author first has two messages: its messages in a plain array
  // (ChatMessage[], seq s at s - 1) while the seqs held stay dense, an OriginLog past that (a seq
  // far beyond the rest: a gap, or a hostile number). An OriginLog for every log cost a line more
  // per read (the log, then its array), each a cache miss on a simulated peer, whose state is cold
  // when its turn comes (OriginLog.get: 8.9 % of a 100-peer run's thread, session 24). The index's
  // entry stays the author: every probe of the index reads it, and the author is shared and warm
  // where a log is this peer's own (a log there cost the probes 7 %, session 24)
  private Object[] logs;
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
    for (int a = 0; a < authors.size(); a++) {
      List<ChatMessage> all = new ArrayList<>();
      Object log = logAt(a);
      if (log == null) {
        continue; // numbered by a room that shares the index, nothing stored
      } else if (log instanceof ChatMessage only) {
        all.add(only);
      } else if (log instanceof ChatMessage[] array) {
        for (ChatMessage m : array) {
          if (m != null) {
            all.add(m);
          }
        }
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
    Object log = logAt(a);
    ChatMessage existing = get(log, message.seq());
    if (existing != null) {
      if (existing.equals(message)) {
        return AppendResult.DUPLICATE;
      }
      return conflict(message);
    }
    if (log == null) {
      authors.setEntry(a, message);
    } else if (log instanceof ChatMessage only) {
      if (logs == null) {
        logs = new Object[AuthorIndex.grownLength(0, a)];
      } else if (a >= logs.length) {
        logs = Arrays.copyOf(logs, AuthorIndex.grownLength(logs.length, a));
      }
      logs[a] = putIn(putIn(new ChatMessage[0], only), message);
      authors.setEntry(a, only.origin());
    } else {
      logs[a] = putIn(log, message);
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

  /** What the store holds of {@code origin}: null, its one message, or its OriginLog. */
  private Object logOf(PeerId origin) {
    int a = authors.indexOf(origin);
    return a < 0 ? null : logAt(a);
  }

  /** What the store holds of author {@code a} (numbered): null, its one message, or its log. */
  private Object logAt(int a) {
    Object e = authors.entry(a);
    if (e instanceof ChatMessage) {
      return e;
    }
    return logs == null || a >= logs.length ? null : logs[a];
  }

  /** The author an entry of the index is of: the entry itself, or its one message's author. */
  private static PeerId authorOf(Object entry) {
    return entry instanceof ChatMessage m ? m.origin() : (PeerId) entry;
  }

  private static ChatMessage get(Object log, long seq) {
    if (log == null) {
      return null;
    }
    if (log instanceof ChatMessage[] array) {
      return seq <= array.length ? array[(int) (seq - 1)] : null;
    } else if (log instanceof ChatMessage only) {
      return only.seq() == seq ? only : null;
    }
    return ((OriginLog) log).get(seq);
  }

  /**
   * Puts {@code m} (its seq absent) in {@code log}, a plain array or an OriginLog; returns the log
   * to keep: the same, a longer copy of the array, or an OriginLog once the seq is further than the
   * array may grow to. The array grows as an OriginLog's does: to at least the seq, doubling, while
   * the seq is at most twice the messages held + {@link OriginLog#MIN_CAPACITY}, so it never
   * outgrows about twice what it holds, whatever seq a stranger sends.
   */
  private static Object putIn(Object log, ChatMessage m) {
    long seq = m.seq(); // 1 or more
    if (!(log instanceof ChatMessage[] array)) {
      ((OriginLog) log).put(seq, m);
      return log;
    }
    if (seq <= array.length) {
      array[(int) (seq - 1)] = m;
      return array;
    }
    int count = 1; // with m
    for (ChatMessage held : array) {
      if (held != null) {
        count++;
      }
    }
    long most = 2L * count + OriginLog.MIN_CAPACITY;
    if (seq <= most) {
      long doubled = Math.max(2L * array.length, OriginLog.MIN_CAPACITY);
      ChatMessage[] grown = Arrays.copyOf(array, (int) Math.max(seq, Math.min(doubled, most)));
      grown[(int) (seq - 1)] = m;
      return grown;
    }
    OriginLog spread = new OriginLog();
    for (ChatMessage held : array) {
      if (held != null) {
        spread.put(held.seq(), held);
      }
    }
    spread.put(seq, m);
    return spread;
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
    } else if (log instanceof ChatMessage[] array) {
      List<ChatMessage> out = new ArrayList<>();
      long last = Math.min(range.last(), array.length);
      for (long s = range.first(); s <= last && out.size() < limit; s++) {
        if (array[(int) (s - 1)] != null) {
          out.add(array[(int) (s - 1)]);
        }
      }
      return out;
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
    return historyBefore(null, limit);
  }

  @Override
  public List<ChatMessage> historyBefore(ChatMessage before, int limit) {
    int end = byOrder.size();
    if (before != null) {
      end = firstAtOrAfter(before.lamport(), before.origin());
      while (end < byOrder.size() && sameKeyLowerSeq(byOrder.get(end), before)) {
        end++; // (lamport, origin) ties are ordered by seq, as SQLite orders them
      }
    }
    if (anyHidden()) {
      // walked down past the hidden ones: each costs a set lookup, never a row in the page
      List<ChatMessage> out = new ArrayList<>();
      for (int i = end - 1; i >= 0 && out.size() < limit; i--) {
        ChatMessage m = byOrder.get(i);
        if (!isHidden(m.id())) {
          out.add(m);
        }
      }
      Collections.reverse(out);
      return out;
    }
    int from = end - Math.min(Math.max(limit, 0), end);
    return new ArrayList<>(byOrder.subList(from, end));
  }

  private static boolean sameKeyLowerSeq(ChatMessage m, ChatMessage before) {
    return m.lamport() == before.lamport()
        && m.origin().equals(before.origin())
        && m.seq() < before.seq();
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
