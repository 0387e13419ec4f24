package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * The in-memory twin of the SQLite store: the same contract, for the simulation and the tests. A
 * "crash that keeps the store" hands the same instance to the restarted peer.
 */
public final class InMemoryMessageStore implements MessageStore {
  private final TreeMap<LamportTimestamp, ChatMessage> byOrder = new TreeMap<>();
  private final Map<PeerId, OriginLog> byOrigin = new HashMap<>();
  private long count;
  private final Set<ChatMessage> conflicts = new LinkedHashSet<>();
  private long savedLamport;
  private long savedOwnSeq;
  private final Map<PeerId, TreeMap<Long, ChainHead>> heads = new HashMap<>();

  @Override
  public Snapshot load(PeerId self) {
    Map<PeerId, SeqSet> holdings = new HashMap<>();
    long maxLamport = savedLamport;
    long ownSeq = savedOwnSeq;
    for (OriginLog log : byOrigin.values()) {
      List<ChatMessage> all = new ArrayList<>(log.count());
      log.forEach(all::add);
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
  public void appendOwn(ChatMessage message, long lamport) {
    append(message);
    savedLamport = Math.max(savedLamport, lamport);
    savedOwnSeq = Math.max(savedOwnSeq, message.seq());
  }

  @Override
  public AppendResult append(ChatMessage message) {
    OriginLog log = byOrigin.computeIfAbsent(message.origin(), o -> new OriginLog());
    ChatMessage existing = log.get(message.seq());
    if (existing != null) {
      if (existing.equals(message)) {
        return AppendResult.DUPLICATE;
      }
      conflicts.add(message);
      return AppendResult.CONFLICT;
    }
    log.put(message.seq(), message);
    byOrder.put(message.timestamp(), message);
    count++;
    return AppendResult.NEW;
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    OriginLog log = byOrigin.get(id.origin());
    return Optional.ofNullable(log == null ? null : log.get(id.seq()));
  }

  @Override
  public void putHead(ChainHead head) {
    heads.computeIfAbsent(head.origin(), o -> new TreeMap<>()).putIfAbsent(head.seq(), head);
  }

  @Override
  public Optional<ChainHead> headAtOrAfter(PeerId origin, long seq) {
    TreeMap<Long, ChainHead> h = heads.get(origin);
    Map.Entry<Long, ChainHead> e = h == null ? null : h.ceilingEntry(seq);
    return e == null ? Optional.empty() : Optional.of(e.getValue());
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange range, int limit) {
    OriginLog log = byOrigin.get(origin);
    return log == null ? List.of() : log.range(range.first(), range.last(), limit);
  }

  @Override
  public List<ChatMessage> history(int limit) {
    List<ChatMessage> out = new ArrayList<>(Math.min(limit, byOrder.size()));
    NavigableMap<LamportTimestamp, ChatMessage> desc = byOrder.descendingMap();
    for (ChatMessage m : desc.values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(m);
    }
    Collections.reverse(out);
    return out;
  }

  @Override
  public Optional<MessageId> predecessor(LamportTimestamp key) {
    Map.Entry<LamportTimestamp, ChatMessage> e = byOrder.lowerEntry(key);
    return e == null ? Optional.empty() : Optional.of(e.getValue().id());
  }

  @Override
  public List<MessageId> latest(int limit) {
    List<MessageId> out = new ArrayList<>();
    for (ChatMessage m : byOrder.descendingMap().values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(m.id());
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
