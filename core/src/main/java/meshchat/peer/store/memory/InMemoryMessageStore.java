package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
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
  // per author, in the author's own entry of the index (found by the one probe that finds the
  // author, and read from the line that probe read): its one message (most authors of a big room
  // have written one when a peer hears of them: a 10,000-peer room's peers keep 10^8 such); once it
  // has two, an array log (Object[]: the author at 0, seq s at s, null where absent) while the seqs
  // held stay dense; an OriginLog past that (a seq far beyond the rest: a gap, or a hostile
  // number);
  // the author itself while nothing of it is stored (a room that shares the index numbered it). An
  // author's messages were an OriginLog in an array by author index beside the index: a store read
  // cost the index's entry, that array's slot, the log and its array, each a cache miss on a
  // simulated peer, whose state is cold when its turn comes (session 24: 8.9 % of a 100-peer run)
  private final AuthorIndex<PeerId> authors = new AuthorIndex<>(InMemoryMessageStore::authorOf);
  private long count;
  private MessageArena headBytes; // the heads' hashes and signatures; made on the first head

  /**
   * The store's author index while it numbers nobody: a room then numbers its authors by it, and
   * store keeps its logs in the index's entries (an index may name an author the room numbered and
   * this store holds nothing of: its entry is the author).
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
      } else if (log instanceof Object[] array) {
        forEachIn(array, all::add);
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
      authors.setEntry(a, putIn(putIn(new Object[] {only.origin()}, only), message));
    } else {
      Object grown = putIn(log, message);
      if (grown != log) {
        authors.setEntry(a, grown);
      }
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

  /**
   * What the store holds of author {@code a} (numbered): null, its one message, its array log or
   * its OriginLog.
   */
  private Object logAt(int a) {
    Object e = authors.entry(a);
    return e instanceof PeerId ? null : e;
  }

  /** The author an entry of the index is of: the entry itself, or what it holds of its author. */
  private static PeerId authorOf(Object entry) {
    if (entry instanceof Object[] array) {
      return (PeerId) array[0];
    } else if (entry instanceof ChatMessage m) {
      return m.origin();
    } else if (entry instanceof OriginLog log) {
      return log.origin();
    }
    return (PeerId) entry;
  }

  private static ChatMessage get(Object log, long seq) {
    if (log instanceof Object[] array) {
      return seq > 0 && seq < array.length ? (ChatMessage) array[(int) seq] : null;
    } else if (log instanceof ChatMessage only) {
      return only.seq() == seq ? only : null;
    }
    return log == null ? null : ((OriginLog) log).get(seq);
  }

  /**
   * Puts {@code m} (its seq absent) in {@code log}, an array log or an OriginLog; returns the log
   * to keep: the same, a longer copy of an array, or an OriginLog once the seq is further than the
   * array may grow to. The array grows as an OriginLog's does: to at least the seq, doubling, while
   * the seq is at most twice the messages held + {@link OriginLog#MIN_CAPACITY}, so it never
   * outgrows about twice what it holds, whatever seq a stranger sends.
   */
  private static Object putIn(Object log, ChatMessage m) {
    long seq = m.seq();
    if (!(log instanceof Object[] array)) {
      ((OriginLog) log).put(seq, m);
      return log;
    }
    if (seq > 0 && seq < array.length) {
      array[(int) seq] = m;
      return array;
    }
    int count = 1; // with m
    for (int i = 1; i < array.length; i++) {
      if (array[i] != null) {
        count++;
      }
    }
    long most = 2L * count + OriginLog.MIN_CAPACITY;
    if (seq > 0 && seq <= most) {
      long doubled = Math.max(2L * (array.length - 1), OriginLog.MIN_CAPACITY);
      Object[] grown = Arrays.copyOf(array, (int) Math.max(seq, Math.min(doubled, most)) + 1);
      grown[(int) seq] = m;
      return grown;
    }
    OriginLog spread = new OriginLog((PeerId) array[0]);
    forEachIn(array, held -> spread.put(held.seq(), held));
    spread.put(seq, m);
    return spread;
  }

  private static void forEachIn(Object[] array, Consumer<ChatMessage> action) {
    for (int i = 1; i < array.length; i++) {
      if (array[i] != null) {
        action.accept((ChatMessage) array[i]);
      }
    }
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
    } else if (log instanceof Object[] array) {
      List<ChatMessage> out = new ArrayList<>();
      long last = Math.min(range.last(), array.length - 1L);
      for (long s = Math.max(range.first(), 1); s <= last && out.size() < limit; s++) {
        if (array[(int) s] != null) {
          out.add((ChatMessage) array[(int) s]);
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
