package meshchat.peer.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * One room's durable history, as seen by one peer. Implementations: {@code SqliteMessageStore} (the
 * product) and {@code InMemoryMessageStore} (the simulation and tests). Called only from the room's
 * thread.
 */
public interface MessageStore extends AutoCloseable {
  /**
   * Most second versions kept per origin (the {@code CONFLICT}s): evidence that the author signed
   * two histories; past it a further version is still reported {@code CONFLICT}, but not kept, so
   * an author signing versions without end cannot grow the store without end (rev28).
   */
  int MAX_CONFLICTS_PER_ORIGIN = 16;

  /** What a restarting peer resumes from. */
  record Snapshot(long lamport, long ownSeq, Map<PeerId, SeqSet> holdings) {}

  enum AppendResult {
    /** Stored now. */
    NEW,
    /** The same message was already stored. */
    DUPLICATE,
    /** A different message with the same (origin, seq) is stored: an equivocation (a fork). */
    CONFLICT
  }

  /**
   * The store's numbering of authors, for a room to number its authors by too, or null: a store
   * that keeps none, or one that numbers authors already (a store kept across a restart), whose
   * order the room's parts must not inherit. A room given one numbers every author it stores here,
   * after the store has (an author is stored before it is held), so one index serves both where a
   * big room's peer kept two of about 20 bytes per author each.
   */
  default AuthorIndex<PeerId> authorsToShare() {
    return null;
  }

  /**
   * Bytes of an author's messages this peer stored in one hour (hours since the epoch, by the local
   * clock), charged to its live allowance or, {@code old}, to its history allowance
   * (docs/security.md, "Author quota").
   */
  record Charge(PeerId origin, boolean old, long hour, long bytes) {}

  /**
   * Adds {@code bytes} to what {@code origin}'s allowance was charged in {@code hour}, kept in
   * memory until {@link #saveCharges} (or {@link #close}) writes it, so a restart counts from what
   * is stored. A store that outlives nothing may keep nothing.
   */
  default void charge(PeerId origin, boolean old, long hour, long bytes) {}

  /**
   * Writes the charges taken since the last call, summed, into the current unit of work. The room
   * calls it once a sync round: a crash forgets at most a round's charges, and a burst of many
   * authors costs one row per author, not one per message or per commit.
   */
  default void saveCharges() {}

  /**
   * The charges kept for hours at or after {@code fromHour}, those not saved yet included; a store
   * may forget older ones here.
   */
  default List<Charge> charges(long fromHour) {
    return List.of();
  }

  /** Reads the clock, this peer's sequence high-water mark and what is held. */
  Snapshot load(PeerId self);

  /**
   * Stages this peer's own message together with its clock and sequence number; the next {@link
   * #commit} makes them durable (with an fsync). Write before send: the caller commits before the
   * message goes on the wire, so a crash at any point neither loses a sent message nor reuses a
   * seq.
   */
  void appendOwn(ChatMessage message, long lamport);

  /** Stores a message from someone else; a conflict keeps the first and records the second. */
  AppendResult append(ChatMessage message);

  /**
   * {@link #append} for each message in order, as one unit of work: a sync batch costs the SQLite
   * store one transaction instead of one per message. Results are in the same order.
   */
  default List<AppendResult> appendAll(List<ChatMessage> messages) {
    List<AppendResult> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      out.add(append(m));
    }
    return out;
  }

  Optional<ChatMessage> get(MessageId id);

  /**
   * The Lamport time of the stored message {@code id}, if stored: all the room's backdating check
   * needs of a dependency, which a store can answer without reading and decoding the whole message
   * (on SQLite that read was a quarter of a receiving room thread: docs/benchmarks.md).
   */
  default OptionalLong lamportOf(MessageId id) {
    Optional<ChatMessage> m = get(id);
    return m.isPresent() ? OptionalLong.of(m.get().lamport()) : OptionalLong.empty();
  }

  /** What {@link #lamportTime} answers for a message that is not stored: no Lamport time is 0. */
  long NO_LAMPORT = 0;

  /**
   * As {@link #lamportOf}, or {@link #NO_LAMPORT} if not stored, with no id or {@code OptionalLong}
   * made per call: the room asks it for dependencies on every message it receives, and a store that
   * answers from memory answers in a few nanoseconds, less than making those two objects.
   */
  default long lamportTime(PeerId origin, long seq) {
    OptionalLong t = lamportOf(new MessageId(origin, seq));
    return t.isPresent() ? t.getAsLong() : NO_LAMPORT;
  }

  /**
   * The stored message {@code id} is held back, not shown, until its dependencies arrive: a restart
   * holds it back again rather than counting it as shown (docs/storage.md, "Held back"). Part of
   * the current unit of work, like {@link #append}. At most the room's hold-back limit are marked.
   */
  void markWaiting(MessageId id);

  /** The message {@code id}, marked by {@link #markWaiting}, was shown (or will never be). */
  void markShown(MessageId id);

  /** The stored messages marked waiting and not shown since, oldest mark first. */
  List<MessageId> waiting();

  /**
   * The stored message {@code id} was refused as backdated (stamped at or below what it answers):
   * kept, counted and served like any stored message, but never shown, so {@link #history} and
   * {@link #historyBefore} leave it out from now on, and paging back costs nothing for it (rev33:
   * 100 such rows on top of the history hid every earlier line from {@code /history}). Part of the
   * current unit of work, like {@link #append}; marking an id not stored does nothing.
   */
  void markHidden(MessageId id);

  /**
   * Keeps an author's signed chain head, so that history served later carries the proof of its
   * messages (docs/protocol.md, "Hash chain"). A head already kept is ignored. Part of the current
   * unit of work, like {@link #append}.
   */
  void putHead(ChainHead head);

  /** The kept head of {@code origin} with the lowest seq at or above {@code seq}, if any. */
  Optional<ChainHead> headAtOrAfter(PeerId origin, long seq);

  /** One origin's messages within {@code range}, ascending by seq, at most {@code limit}. */
  List<ChatMessage> range(PeerId origin, SeqRange range, int limit);

  /**
   * The last {@code limit} messages in canonical order (lamport, origin), oldest first, those
   * marked hidden ({@link #markHidden}) left out.
   */
  List<ChatMessage> history(int limit);

  /**
   * The last {@code limit} messages that sort before {@code before} in canonical order (lamport,
   * origin, seq), oldest first, those marked hidden left out; {@code before} null means from the
   * newest, as {@link #history}. A cursor for paging back: each page costs its own rows, never the
   * rows of the pages after it.
   */
  List<ChatMessage> historyBefore(ChatMessage before, int limit);

  /** The stored message that immediately precedes {@code key} in canonical order, if any. */
  Optional<MessageId> predecessor(LamportTimestamp key);

  /** The most recent messages by Lamport time, newest first: the seed of a restart's deps. */
  List<MessageId> latest(int limit);

  long count();

  /**
   * Number of distinct conflicting versions recorded: the same second version arriving again (from
   * another relay) is still a CONFLICT but is recorded once.
   */
  long conflictCount();

  /**
   * Ends the current unit of work: everything appended since the last commit becomes durable
   * together (group commit). The runtime calls it once the room's queued events have run and before
   * any frame they produced is written, so a burst of messages costs one SQLite commit rather than
   * one each. A crash before it loses only what no one else has seen yet from us (nothing was sent)
   * and messages from others, which anti-entropy fetches again.
   */
  default void commit() {}

  /**
   * As {@link #commit}, but leaves out the fsync that makes own messages survive a power cut:
   * returns true if the unit of work held own messages that need it, and then the caller must
   * {@link #sync} before any of them is shown or sent. Until then they survive a killed process
   * only. This lets the runtime fsync on another thread while the room thread goes on.
   */
  default boolean commitLeavingSync() {
    commit(); // a store that cannot split the two does both here
    return false;
  }

  /**
   * Makes every commit so far survive a power cut (an fsync). Blocks; any thread, while the owner
   * of the store goes on using it.
   */
  default void sync() {}

  /**
   * Hands the store's log checkpoints to the caller, who from now on calls {@link #checkpoint} now
   * and then on a thread other than the one that commits; false if the store has none. SQLite
   * checkpoints its write-ahead log at a commit once the log passes 1,000 pages, and the checkpoint
   * fsyncs: left to the commit it stalls the room thread, and every delivery behind it, for
   * milliseconds (the sqlite latency cell's p99, docs/benchmarks.md).
   */
  default boolean takeCheckpoints() {
    return false;
  }

  /**
   * Rows the store has written so far (inserted, updated or deleted, in every room it shares a file
   * with): how far its log has grown since the caller last asked, so that {@link #checkpoint} runs
   * by the log's length and not only by the number of commits. 0 for a store with no log.
   */
  default long writes() {
    return 0;
  }

  /**
   * Whether a commit outlives the process (a file): then the runtime shows a received message only
   * once the commit that stores it is done, so that a line on the screen is in the file a restart
   * after {@code kill -9} reads (docs/storage.md, "The guarantee"). A store in memory loses
   * everything with the process, and shows at once.
   */
  default boolean outlivesProcess() {
    return false;
  }

  /**
   * How many times an open unit of work was rolled back (a failed write or commit: a full disk):
   * whatever was appended in it since the last commit is gone. A store in memory never rolls back.
   */
  default long rollbacks() {
    return 0;
  }

  /**
   * The ids of the messages whose rows rolled-back units of work took since the last call (a failed
   * write or commit: a full disk), oldest first: they are no longer stored, so the room holds them
   * no more and fetches them again (docs/storage.md, "A commit that fails"). Room thread. A store
   * that never rolls back has none.
   */
  default List<MessageId> takeRolledBack() {
    return List.of();
  }

  /**
   * Copies what the log holds into the store proper, without waiting for readers or blocking the
   * owner's commits. Blocks; any thread, while the owner of the store goes on using it.
   */
  default void checkpoint() {}

  @Override
  void close();
}
