package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import meshchat.peer.clock.LamportTimestamp;
import meshchat.peer.message.ChatMessage;
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
  private final Map<MessageId, ChatMessage> byId = new HashMap<>();
  private final TreeMap<LamportTimestamp, ChatMessage> byOrder = new TreeMap<>();
  private final Map<PeerId, TreeMap<Long, ChatMessage>> byOrigin = new HashMap<>();
  private final Set<ChatMessage> conflicts = new LinkedHashSet<>();
  private long savedLamport;
  private long savedOwnSeq;

  @Override
  public Snapshot load(PeerId self) {
    Map<PeerId, SeqSet> holdings = new HashMap<>();
    long maxLamport = savedLamport;
    long ownSeq = savedOwnSeq;
    for (ChatMessage m : byId.values()) {
      holdings.computeIfAbsent(m.origin(), o -> new SeqSet()).add(m.seq());
      maxLamport = Math.max(maxLamport, m.lamport());
      if (m.origin().equals(self)) {
        ownSeq = Math.max(ownSeq, m.seq());
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
    ChatMessage existing = byId.get(message.id());
    if (existing != null) {
      if (existing.equals(message)) {
        return AppendResult.DUPLICATE;
      }
      conflicts.add(message);
      return AppendResult.CONFLICT;
    }
    byId.put(message.id(), message);
    byOrder.put(message.timestamp(), message);
    byOrigin.computeIfAbsent(message.origin(), o -> new TreeMap<>()).put(message.seq(), message);
    return AppendResult.NEW;
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange range, int limit) {
    TreeMap<Long, ChatMessage> all = byOrigin.get(origin);
    if (all == null) {
      return List.of();
    }
    List<ChatMessage> out = new ArrayList<>();
    for (ChatMessage m : all.subMap(range.first(), true, range.last(), true).values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(m);
    }
    return out;
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
    java.util.Collections.reverse(out);
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
    return byId.size();
  }

  @Override
  public long conflictCount() {
    return conflicts.size();
  }

  @Override
  public void close() {}
}
