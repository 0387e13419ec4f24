package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * The in-memory twin of the SQLite store: the same contract, for the simulation, the tests and
 * {@code bench chat --store memory}. A "crash that keeps the store" hands the same instance to the
 * restarted peer.
 *
 * <p>Two forms of the same store. {@link #InMemoryMessageStore()} keeps the messages it is given:
 * the simulation hands every peer the author's own instance, so a reference (4 bytes) is all a
 * stored copy costs. {@link #compact()} keeps each message as one array ({@link Packed}) and makes
 * the message again when it is read: a real peer decodes its own copy of every message, and the
 * decoded record with its text, deps and hash is five or six objects that every young collection
 * copies while the store keeps them (docs/benchmarks.md, session 16).
 */
public final class InMemoryMessageStore implements MessageStore {
  // every message in canonical (Lamport, origin) order: an array, not a TreeMap, because a
  // simulated peer keeps one per peer and a tree entry and its key cost 64 bytes per message held;
  // messages mostly arrive in order, so an insert rarely shifts more than a few. Each entry is a
  // ChatMessage, or its byte[] (Packed) in the compact form
  private final ArrayList<Object> byOrder = new ArrayList<>();
  // per author index: the author's one message (most authors of a big room have written one when a
  // peer hears of them), or its OriginLog once it has two; found by one index lookup, in about 8
  // bytes per author besides the index, where a map entry and a log cost about 90
  private final AuthorIndex<PeerId> authors = new AuthorIndex<>();
  private Object[] logs = new Object[8];
  private long count;
  private final Set<ChatMessage> conflicts = new LinkedHashSet<>();
  private long savedLamport;
  private long savedOwnSeq;
  // per origin, its kept heads in flat arrays: no object per head (HeadLog)
  private final Map<PeerId, HeadLog> heads = new HashMap<>();
  private LinkedHashSet<MessageId> waiting; // made on first use: most simulated peers hold none
  // the compact form's nicks, each kept once and named by its index; null in the other form
  private final List<String> nicks;
  private final Map<String, Integer> nickIndex;

  /** A store that keeps the messages it is given (the simulation's). */
  public InMemoryMessageStore() {
    this(false);
  }

  private InMemoryMessageStore(boolean compact) {
    nicks = compact ? new ArrayList<>() : null;
    nickIndex = compact ? new HashMap<>() : null;
  }

  /** A store that keeps each message as one array, made again when read (a real peer's). */
  public static InMemoryMessageStore compact() {
    return new InMemoryMessageStore(true);
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
  public Snapshot load(PeerId self) {
    Map<PeerId, SeqSet> holdings = new HashMap<>();
    long maxLamport = savedLamport;
    long ownSeq = savedOwnSeq;
    for (int a = 0; a < authors.size(); a++) {
      List<Object> all = new ArrayList<>();
      Object log = logs[a];
      if (log instanceof OriginLog l) {
        l.forEach(all::add);
      } else {
        all.add(log);
      }
      PeerId origin = authors.author(a);
      for (Object m : all) {
        holdings.computeIfAbsent(origin, o -> new SeqSet()).add(seq(m));
        maxLamport = Math.max(maxLamport, lamport(m));
        if (origin.equals(self)) {
          ownSeq = Math.max(ownSeq, seq(m));
        }
      }
    }
    return new Snapshot(maxLamport, ownSeq, holdings);
  }

  @Override
  public void appendOwn(ChatMessage message, long lamport) {
    append(message);
    savedLamport = Math.max(savedLamport, lamport);
    savedOwnSeq = Math.max(savedOwnSeq, message.seq());
  }

  @Override
  public AppendResult append(ChatMessage message) {
    int a = authors.add(message.origin());
    if (a == logs.length) {
      logs = Arrays.copyOf(logs, 2 * a);
    }
    Object log = logs[a];
    Object existing = get(log, message.seq());
    if (existing != null) {
      if (message(existing).equals(message)) {
        return AppendResult.DUPLICATE;
      }
      conflicts.add(message);
      return AppendResult.CONFLICT;
    }
    Object kept = nicks == null ? message : Packed.pack(message, a, nickIndex(message.nick()));
    if (log == null) {
      logs[a] = kept;
    } else {
      OriginLog grown;
      if (log instanceof OriginLog l) {
        grown = l;
      } else {
        grown = new OriginLog();
        grown.put(seq(log), log);
        logs[a] = grown;
      }
      grown.put(message.seq(), kept);
    }
    int at = byOrder.size();
    if (at > 0 && compare(byOrder.get(at - 1), message.lamport(), message.origin()) > 0) {
      at = firstAfter(message.lamport(), message.origin());
    }
    byOrder.add(at, kept);
    count++;
    return AppendResult.NEW;
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    Object m = get(logOf(id.origin()), id.seq());
    return m == null ? Optional.empty() : Optional.of(message(m));
  }

  /** Read without making the message again: the room asks it for each dep of each message. */
  @Override
  public OptionalLong lamportOf(MessageId id) {
    Object m = get(logOf(id.origin()), id.seq());
    return m == null ? OptionalLong.empty() : OptionalLong.of(lamport(m));
  }

  private int nickIndex(String nick) {
    Integer i = nickIndex.get(nick);
    if (i == null) {
      i = nicks.size();
      nicks.add(nick);
      nickIndex.put(nick, i);
    }
    return i;
  }

  /** A stored entry as the message it holds. */
  private ChatMessage message(Object m) {
    if (m instanceof ChatMessage c) {
      return c;
    }
    byte[] b = (byte[]) m;
    return Packed.unpack(b, authors.author(Packed.author(b)), nicks.get(Packed.nick(b)));
  }

  private static long lamport(Object m) {
    return m instanceof ChatMessage c ? c.lamport() : Packed.lamport((byte[]) m);
  }

  private static long seq(Object m) {
    return m instanceof ChatMessage c ? c.seq() : Packed.seq((byte[]) m);
  }

  private PeerId origin(Object m) {
    return m instanceof ChatMessage c ? c.origin() : authors.author(Packed.author((byte[]) m));
  }

  private MessageId id(Object m) {
    return m instanceof ChatMessage c ? c.id() : new MessageId(origin(m), seq(m));
  }

  private List<ChatMessage> messages(List<Object> kept) {
    List<ChatMessage> out = new ArrayList<>(kept.size());
    for (Object m : kept) {
      out.add(message(m));
    }
    return out;
  }

  /** The author's entry in logs: null, its one message, or its OriginLog. */
  private Object logOf(PeerId origin) {
    int a = authors.indexOf(origin);
    return a < 0 ? null : logs[a];
  }

  /** The entry of {@code seq} in an author's entry in logs, or null. */
  private static Object get(Object log, long seq) {
    if (log == null) {
      return null;
    }
    if (log instanceof OriginLog l) {
      return l.get(seq);
    }
    return seq(log) == seq ? log : null;
  }

  @Override
  public void putHead(ChainHead head) {
    heads.computeIfAbsent(head.origin(), HeadLog::new).putIfAbsent(head);
  }

  @Override
  public Optional<ChainHead> headAtOrAfter(PeerId origin, long seq) {
    HeadLog h = heads.get(origin);
    return Optional.ofNullable(h == null ? null : h.atOrAfter(seq));
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange range, int limit) {
    Object log = logOf(origin);
    if (log == null) {
      return List.of();
    }
    if (log instanceof OriginLog l) {
      return messages(l.range(range.first(), range.last(), limit));
    }
    long seq = seq(log);
    return limit > 0 && seq >= range.first() && seq <= range.last()
        ? List.of(message(log))
        : List.of();
  }

  /** {@code m} against the timestamp (lamport, origin), in canonical order. */
  private int compare(Object m, long lamport, PeerId origin) {
    int c = Long.compare(lamport(m), lamport);
    return c != 0 ? c : origin(m).compareTo(origin);
  }

  /** The index of the first message that sorts after (lamport, origin). */
  private int firstAfter(long lamport, PeerId origin) {
    int lo = 0;
    int hi = byOrder.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(byOrder.get(mid), lamport, origin) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of the first message that sorts at or after (lamport, origin). */
  private int firstAtOrAfter(long lamport, PeerId origin) {
    int lo = 0;
    int hi = byOrder.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(byOrder.get(mid), lamport, origin) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public List<ChatMessage> history(int limit) {
    int n = byOrder.size();
    return messages(byOrder.subList(n - Math.min(limit, n), n));
  }

  @Override
  public Optional<MessageId> predecessor(LamportTimestamp key) {
    int at = firstAtOrAfter(key.time(), key.origin());
    return at == 0 ? Optional.empty() : Optional.of(id(byOrder.get(at - 1)));
  }

  @Override
  public List<MessageId> latest(int limit) {
    List<MessageId> out = new ArrayList<>();
    for (int i = byOrder.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(id(byOrder.get(i)));
    }
    return out;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long conflictCount() {
    return conflicts.size();
  }

  @Override
  public void close() {}
}
