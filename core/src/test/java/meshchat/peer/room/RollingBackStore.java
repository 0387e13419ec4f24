package meshchat.peer.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.StoreException;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;

/**
 * A store with units of work that can fail, for the core's side of a full disk (the SQLite store's
 * is tested on a real file: FullDiskReceivedTest): the rows of the open unit are kept apart until
 * {@link #commit}, which hands them to an {@link InMemoryMessageStore}; while {@link #full} every
 * write fails, rolls the open unit back (its rows are gone, reported by {@link #takeRolledBack})
 * and throws, as SQLite's {@code SQLITE_FULL} does. Marks and heads are not part of a unit here.
 */
final class RollingBackStore implements MessageStore {
  final InMemoryMessageStore committed = new InMemoryMessageStore();
  private final Map<MessageId, ChatMessage> unit = new LinkedHashMap<>();
  private final Map<MessageId, Long> ownClock = new LinkedHashMap<>();
  private final List<MessageId> rolledBack = new ArrayList<>();
  private final List<MessageId> hiddenInUnit = new ArrayList<>();
  private long rollbacks;

  /** Rows the history reads have returned so far (what a page costs). */
  long historyRowsRead;

  private boolean full;
  private int failIn = -1; // the how-manyth write from now fails once (-1: none)

  /** While {@code full}, every write fails and rolls the open unit back. */
  void full(boolean full) {
    this.full = full;
  }

  /** The {@code n}th write from now (0: the next) fails once, as a disk that fills just then. */
  void failWrite(int n) {
    failIn = n;
  }

  private void write() {
    boolean fail = full || failIn == 0;
    if (failIn >= 0) {
      failIn--;
    }
    if (fail) {
      rollBack();
      throw new StoreException("database or disk is full");
    }
  }

  private void rollBack() {
    rollbacks++;
    rolledBack.addAll(unit.keySet());
    unit.clear();
    ownClock.clear();
    hiddenInUnit.clear();
  }

  /** What is stored now, committed or in the open unit, per origin (non-empty sets only). */
  Map<PeerId, meshchat.peer.sync.SeqSet> held(PeerId self) {
    Map<PeerId, meshchat.peer.sync.SeqSet> out = new LinkedHashMap<>();
    committed.load(self).holdings().forEach((p, s) -> out.put(p, s.copy()));
    for (MessageId id : unit.keySet()) {
      out.computeIfAbsent(id.origin(), p -> new meshchat.peer.sync.SeqSet()).add(id.seq());
    }
    out.values().removeIf(meshchat.peer.sync.SeqSet::isEmpty);
    return out;
  }

  @Override
  public Snapshot load(PeerId self) {
    return committed.load(self);
  }

  @Override
  public void appendOwn(ChatMessage message, long lamport) {
    write();
    unit.put(message.id(), message);
    ownClock.put(message.id(), lamport);
  }

  @Override
  public AppendResult append(ChatMessage message) {
    write();
    ChatMessage kept = unit.get(message.id());
    if (kept == null) {
      kept = committed.get(message.id()).orElse(null);
    }
    if (kept == null) {
      unit.put(message.id(), message);
      return AppendResult.NEW;
    }
    return kept.equals(message) ? AppendResult.DUPLICATE : committed.append(message);
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    ChatMessage m = unit.get(id);
    return m != null ? Optional.of(m) : committed.get(id);
  }

  @Override
  public OptionalLong lamportOf(MessageId id) {
    ChatMessage m = unit.get(id);
    return m != null ? OptionalLong.of(m.lamport()) : committed.lamportOf(id);
  }

  @Override
  public void markWaiting(MessageId id) {
    committed.markWaiting(id);
  }

  /** Marks no row hidden, as a file from before schema 7 holds refused rows unmarked. */
  boolean ignoreHiddenMarks;

  @Override
  public void markHidden(MessageId id) {
    if (ignoreHiddenMarks) {
      return;
    }
    if (unit.containsKey(id)) {
      hiddenInUnit.add(id); // marked once its row is committed; gone with it on a rollback
    } else {
      committed.markHidden(id);
    }
  }

  @Override
  public void markShown(MessageId id) {
    committed.markShown(id);
  }

  @Override
  public List<MessageId> waiting() {
    return committed.waiting();
  }

  @Override
  public void putHead(ChainHead head) {
    committed.putHead(head);
  }

  @Override
  public Optional<ChainHead> headAtOrAfter(PeerId origin, long seq) {
    return committed.headAtOrAfter(origin, seq);
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange range, int limit) {
    return committed.range(origin, range, limit);
  }

  @Override
  public List<ChatMessage> history(int limit) {
    return counted(committed.history(limit));
  }

  @Override
  public List<ChatMessage> historyBefore(ChatMessage before, int limit) {
    return counted(committed.historyBefore(before, limit));
  }

  private List<ChatMessage> counted(List<ChatMessage> rows) {
    historyRowsRead += rows.size();
    return rows;
  }

  @Override
  public Optional<MessageId> predecessor(LamportTimestamp key) {
    return committed.predecessor(key);
  }

  @Override
  public List<MessageId> latest(int limit) {
    return committed.latest(limit);
  }

  @Override
  public long count() {
    return committed.count() + unit.size();
  }

  @Override
  public long conflictCount() {
    return committed.conflictCount();
  }

  @Override
  public void commit() {
    if (full) {
      rollBack();
      throw new StoreException("database or disk is full");
    }
    for (ChatMessage m : unit.values()) {
      Long lamport = ownClock.get(m.id());
      if (lamport != null) {
        committed.appendOwn(m, lamport);
      } else {
        committed.append(m);
      }
    }
    unit.clear();
    ownClock.clear();
    hiddenInUnit.forEach(committed::markHidden);
    hiddenInUnit.clear();
  }

  @Override
  public boolean outlivesProcess() {
    return true; // its units can roll back: the room keeps what it needs to take one back
  }

  @Override
  public long rollbacks() {
    return rollbacks;
  }

  @Override
  public List<MessageId> takeRolledBack() {
    List<MessageId> out = List.copyOf(rolledBack);
    rolledBack.clear();
    return out;
  }

  @Override
  public void close() {}

  /**
   * Ends a burst of {@code room}'s writes as the runtime does: commits, and tells the room it is
   * durable, or that the commit failed (rolled back).
   */
  void endBurst(Room room) {
    try {
      commit();
      room.durable();
    } catch (StoreException e) {
      room.commitFailed();
    }
  }
}
