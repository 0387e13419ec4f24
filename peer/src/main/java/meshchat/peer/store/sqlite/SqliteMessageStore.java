package meshchat.peer.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
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
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.core.DirectBind;

/**
 * One room's history in the peer's SQLite file: the product's {@link MessageStore}, with the same
 * contract as {@code InMemoryMessageStore} (one test suite runs over both). Statements are prepared
 * once; every read is bounded by LIMIT or streamed, so no call loads a whole history.
 */
public final class SqliteMessageStore implements MessageStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteMessageStore.class);
  private static final String COLS = Rows.COLS;
  private static final String ORDER_DESC = " ORDER BY lamport DESC, origin DESC, seq DESC";
  private static final String ORDER_ASC = " ORDER BY lamport, origin, seq";

  /**
   * Rows stored by one statement in a sync batch: a statement's step, reset and the driver's checks
   * around them cost about as much as binding a row's ten values, so a batch stores its rows 64 at
   * a time.
   */
  static final int ROWS_PER_INSERT = 64;

  private final SqliteDatabase db;
  // the times of the newest rows stored (guarded by db): the room's backdating check asks lamportOf
  // for every dependency past its own 1,024 recent messages, which a peer lagging a busy room names
  // all the time (8 % of the room threads' samples in the SQLite throughput cell went to that
  // query; docs/benchmarks.md, session 15); a row never changes, so only a rollback makes an entry
  // wrong, and a rollback empties it
  private final RecentLamports recentLamports = new RecentLamports();
  // the canonical keys of the highest stored messages (guarded by db): a message shown late asks
  // for its predecessor, and in a busy room that is about every other message shown; a lagging
  // link's late message belongs tens of thousands of keys back (docs/benchmarks.md, session 19), so
  // the window is wide: 4,096 keys answered almost none in the SQLite throughput cell, and 65,536
  // (about half a second of a receiver's rows there) left 28 % of the calls to SQLite, 262,144
  // 5.8 % (docs/benchmarks.md, session 37)
  private RecentOrder recentOrder = new RecentOrder(RECENT_ORDER_KEYS);

  /**
   * Keys {@link RecentOrder} keeps: 20 bytes each, so ~5.2 MB full (~10.5 MB were every block
   * split), grown as rows are stored.
   */
  static final int RECENT_ORDER_KEYS = 262_144;

  /**
   * Rows of the open group not written yet (guarded by db): a row that is new for sure (its seq
   * above the highest its origin has stored) waits here until {@link #ROWS_PER_INSERT} are staged,
   * the group commits, or a query needs it, and is then written by one multi-row statement. A
   * single-row insert cost one statement's step, reset and driver checks per received message
   * (docs/benchmarks.md, session 27). At most {@link #ROWS_PER_INSERT} - 1 rows.
   */
  private final List<ChatMessage> staged = new ArrayList<>(ROWS_PER_INSERT);

  // per origin, the highest seq stored, in SQLite or staged (guarded by db): asked of SQLite once
  // per origin, then kept by every row stored; a rollback empties it
  private final Map<PeerId, long[]> highest = new HashMap<>();

  // the ids of the rows the open group stored new (guarded by db), and of those rolled-back groups
  // took since the room last asked (takeRolledBack): the room holds them no more, and fetches them
  // again. A group is one burst's; what the room does not take is bounded by ROLLED_BACK_KEPT
  private final List<MessageId> inGroup = new ArrayList<>();
  private final List<MessageId> rolledBack = new ArrayList<>();

  /** Rolled-back ids kept for the room at most (a store nobody asks: the oldest go first). */
  static final int ROLLED_BACK_KEPT = 1 << 20;

  /** Origins {@link #highest} keeps before it starts again (each asked of SQLite anew). */
  static final int HIGHEST_ORIGINS = 4_096;

  // the statements of 32, 16, ..., 1 rows that write what is left of the staged rows at a flush,
  // each prepared at its first use (index: log2 of its rows)
  private final PreparedStatement[] insertFew = new PreparedStatement[6];

  private final String room;
  private final long roomId;
  private final boolean ownsDatabase;
  private final List<PreparedStatement> statements = new ArrayList<>();
  private final PreparedStatement insert;
  private PreparedStatement insertMany; // prepared at the first batch that needs it
  private final String insertManySql;
  private final PreparedStatement selectOne;
  private final PreparedStatement selectLamport;
  private final PreparedStatement insertConflict;
  private final PreparedStatement bumpMeta;
  private final PreparedStatement selectMeta;
  private final PreparedStatement maxLamport;
  private final PreparedStatement maxSeqOf;
  private final PreparedStatement allSeqs;
  private final PreparedStatement range;
  private final PreparedStatement tail;
  private final PreparedStatement tailShown;
  private final PreparedStatement tailBefore;
  private final PreparedStatement after;
  private final PreparedStatement predecessor;
  private final PreparedStatement nth;
  private final PreparedStatement count;
  private final PreparedStatement conflictCount;
  private final PreparedStatement originConflicts;
  // per origin, its rows in conflicts (asked of SQLite once); a rollback empties it
  private final Map<PeerId, Integer> conflictsOf = new HashMap<>();
  private final HeadTable heads;
  private final PreparedStatement insertWaiting;
  private final PreparedStatement deleteWaiting;
  private final PreparedStatement selectWaiting;
  private final PreparedStatement hide;
  private final PreparedStatement addCharge;
  private final PreparedStatement selectCharges;
  private final PreparedStatement pruneCharges;
  // the author quota's charges since the room last saved them, summed per (origin, old, hour):
  // written as one row each when the room saves them (once a sync round) or the store closes, not
  // one statement per message or per commit (one per commit cost 3 us a message of 100 authors,
  // 25 % of storing it: docs/benchmarks.md, session 32)
  private final Map<Charge, long[]> charges = new HashMap<>();
  private long prunedBelow = Long.MIN_VALUE; // hours below this were deleted from author_bytes

  SqliteMessageStore(SqliteDatabase db, String room, long roomId, boolean ownsDatabase)
      throws SQLException {
    this.db = db;
    this.room = room;
    this.roomId = roomId;
    this.ownsDatabase = ownsDatabase;
    String values = " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String cols = "(room_id, " + COLS + ")";
    // OR IGNORE: a second copy of an (origin, seq) is not an error; changes() tells NEW from not.
    insert = prepare("INSERT OR IGNORE INTO messages" + cols + values);
    // Without OR IGNORE: one id already stored (or twice in the rows) aborts the statement, which
    // SQLite undoes alone, and the rows are stored one at a time instead (appendAll). Prepared at
    // the first batch of 64: a peer that never catches up never compiles its 640 parameters.
    // the room id written in, not bound: a catch-up binds 100,000 rows' values one JNI call each
    insertManySql = insertSql(ROWS_PER_INSERT);
    selectOne = prepare("SELECT " + COLS + " FROM messages WHERE room_id=? AND origin=? AND seq=?");
    selectLamport = prepare("SELECT lamport FROM messages WHERE room_id=? AND origin=? AND seq=?");
    insertConflict = prepare("INSERT OR IGNORE INTO conflicts" + cols + values);
    bumpMeta =
        prepare("UPDATE meta SET lamport=MAX(lamport, ?), own_seq=MAX(own_seq, ?) WHERE room_id=?");
    selectMeta = prepare("SELECT lamport, own_seq FROM meta WHERE room_id=?");
    maxLamport = prepare("SELECT MAX(lamport) FROM messages WHERE room_id=?");
    maxSeqOf = prepare("SELECT MAX(seq) FROM messages WHERE room_id=? AND origin=?");
    // walks the primary-key index in order: holdings are built as ranges while streaming
    allSeqs = prepare("SELECT origin, seq FROM messages WHERE room_id=? ORDER BY origin, seq");
    range =
        prepare(
            "SELECT "
                + COLS
                + " FROM messages WHERE room_id=? AND origin=? AND seq BETWEEN ? AND ?"
                + " ORDER BY seq LIMIT ?");
    tail = prepare("SELECT " + COLS + " FROM messages WHERE room_id=?" + ORDER_DESC + " LIMIT ?");
    // the history reads leave out the rows marked hidden (markHidden): SQLite steps past each on
    // the order index, reading its row's mark, and never hands it to us
    tailShown =
        prepare(
            "SELECT "
                + COLS
                + " FROM messages WHERE room_id=? AND hidden=0"
                + ORDER_DESC
                + " LIMIT ?");
    tailBefore =
        prepare(
            "SELECT "
                + COLS
                + " FROM messages WHERE room_id=? AND (lamport, origin, seq) < (?, ?, ?)"
                + " AND hidden=0"
                + ORDER_DESC
                + " LIMIT ?");
    // row values compare like the canonical order; BLOBs compare by memcmp, i.e. unsigned bytes,
    // shorter first on a common prefix: exactly PeerId.compareTo
    after =
        prepare(
            "SELECT "
                + COLS
                + " FROM messages WHERE room_id=? AND (lamport, origin, seq) > (?, ?, ?)"
                + " AND hidden=0"
                + ORDER_ASC
                + " LIMIT ?");
    // the id alone: asked for every message shown out of order, the whole row was read for it
    predecessor =
        prepare(
            "SELECT origin, seq, lamport FROM messages WHERE room_id=? AND (lamport, origin) < (?, ?)"
                + ORDER_DESC
                + " LIMIT 1");
    nth =
        prepare(
            "SELECT "
                + COLS
                + " FROM messages WHERE room_id=? AND hidden=0"
                + ORDER_DESC
                + " LIMIT 1 OFFSET ?");
    count = prepare("SELECT COUNT(*) FROM messages WHERE room_id=?");
    conflictCount = prepare("SELECT COUNT(*) FROM conflicts WHERE room_id=?");
    originConflicts = prepare("SELECT COUNT(*) FROM conflicts WHERE room_id=? AND origin=?");
    heads = new HeadTable(roomId, this::prepare);
    insertWaiting = prepare("INSERT OR IGNORE INTO waiting(room_id, origin, seq) VALUES (?, ?, ?)");
    deleteWaiting = prepare("DELETE FROM waiting WHERE room_id=? AND origin=? AND seq=?");
    selectWaiting = prepare("SELECT origin, seq FROM waiting WHERE room_id=? ORDER BY rowid");
    hide = prepare("UPDATE messages SET hidden=1 WHERE room_id=? AND origin=? AND seq=?");
    addCharge =
        prepare(
            "INSERT INTO author_bytes(room_id, origin, old, hour, bytes) VALUES (?, ?, ?, ?, ?)"
                // summed saturating at 2^63-1 (SQLite would turn an overflow into a REAL, which
                // the STRICT table refuses, and the commit with it); a row below 0 (a hostile or
                // corrupt file) starts again from what is charged now
                + " ON CONFLICT (room_id, origin, old, hour) DO UPDATE SET bytes = CASE"
                + " WHEN bytes < 0 THEN excluded.bytes"
                + " WHEN excluded.bytes > 9223372036854775807 - bytes THEN 9223372036854775807"
                + " ELSE bytes + excluded.bytes END");
    selectCharges =
        prepare("SELECT origin, old, hour, bytes FROM author_bytes WHERE room_id=? AND hour >= ?");
    pruneCharges = prepare("DELETE FROM author_bytes WHERE room_id=? AND (hour < ? OR hour > ?)");
    db.onRollback(recentLamports::clear);
    db.onRollback(conflictsOf::clear);
    db.onRollback(() -> recentOrder.forget());
    db.onRollback(
        () -> {
          staged.clear();
          highest.clear();
          rolledBack.addAll(inGroup);
          inGroup.clear();
          if (rolledBack.size() > ROLLED_BACK_KEPT) {
            rolledBack.subList(0, rolledBack.size() - ROLLED_BACK_KEPT).clear();
          }
        });
    db.afterCommit(inGroup::clear);
    db.beforeCommit(this::flush);
  }

  @Override
  public void charge(PeerId origin, boolean old, long hour, long bytes) {
    db.call(
        () -> {
          long[] sum = charges.computeIfAbsent(new Charge(origin, old, hour, 0), c -> new long[1]);
          sum[0] = saturatedSum(sum[0], bytes);
          return null;
        });
  }

  @Override
  public void saveCharges() {
    db.call(
        () -> {
          if (!charges.isEmpty()) {
            db.grouped(false, this::flushCharges); // the next commit makes them durable
          }
          return null;
        });
  }

  /** Writes the open group's charges, one row per (origin, old, hour); forgets hours over a day. */
  private Void flushCharges() throws SQLException {
    if (charges.isEmpty()) {
      return null;
    }
    long latest = Long.MIN_VALUE;
    for (Map.Entry<Charge, long[]> e : charges.entrySet()) {
      Charge c = e.getKey();
      setRoom(addCharge);
      addCharge.setBytes(2, c.origin().toBytes());
      addCharge.setLong(3, c.old() ? 1 : 0);
      addCharge.setLong(4, c.hour());
      addCharge.setLong(5, e.getValue()[0]);
      addCharge.executeUpdate();
      latest = Math.max(latest, c.hour());
    }
    charges.clear();
    if (latest - QUOTA_HOURS > prunedBelow) {
      prunedBelow = latest - QUOTA_HOURS; // at most once an hour
      setRoom(pruneCharges);
      pruneCharges.setLong(2, prunedBelow);
      // rows further ahead than the room counts when it starts (AuthorQuota.RESTORE_AHEAD_HOURS)
      // are from a clock that was once set far forward: read, they would count nothing
      pruneCharges.setLong(3, latest + QUOTA_AHEAD_HOURS);
      pruneCharges.executeUpdate();
    }
    return null;
  }

  /** Hours of charges kept: the quota's window ({@code AuthorQuota}) is the last 24. */
  private static final int QUOTA_HOURS = 24;

  /** Hours ahead of the latest written that a charge is kept: {@code AuthorQuota}'s 48. */
  private static final int QUOTA_AHEAD_HOURS = 48;

  private static long saturatedSum(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  @Override
  public List<Charge> charges(long fromHour) {
    return db.call(
        () -> {
          if (!charges.isEmpty()) {
            db.grouped(false, this::flushCharges); // what is not written yet counts too
          }
          setRoom(selectCharges);
          selectCharges.setLong(2, fromHour);
          List<Charge> out = new ArrayList<>();
          int unreadable = 0;
          try (ResultSet rs = selectCharges.executeQuery()) {
            while (rs.next()) {
              byte[] origin = rs.getBytes(1);
              if (origin == null || origin.length == 0 || origin.length > PeerId.MAX_BYTES) {
                unreadable++; // a hostile or corrupt row: not a charge of anyone
                continue;
              }
              // hours and bytes are taken as they are: the quota ignores what it cannot count
              out.add(
                  new Charge(PeerId.of(origin), rs.getLong(2) != 0, rs.getLong(3), rs.getLong(4)));
            }
          }
          if (unreadable > 0) {
            log.warn(
                "{}: {} author quota row(s) of room {} name no author and count nothing",
                db.file(),
                unreadable,
                room);
          }
          return out;
        });
  }

  /** An insert of {@code rows} rows of {@link #COLS}, the room id written in, not bound. */
  private String insertSql(int rows) {
    return "INSERT INTO messages(room_id, "
        + COLS
        + ") VALUES "
        + String.join(
            ", ", Collections.nCopies(rows, "(" + roomId + ", ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  }

  /**
   * The one line the app needs: the store of {@code room} in the peer data directory {@code
   * dataDir}, owning its database (closing the store closes the file).
   */
  public static SqliteMessageStore open(Path dataDir, String room) {
    return open(dataDir, room, true);
  }

  /**
   * As {@link #open(Path, String)}; {@code fsyncOwn = false} commits own messages like any other
   * (they survive the process being killed, not a power cut). For benchmarks that compare against
   * in-memory systems; the product always fsyncs.
   */
  public static SqliteMessageStore open(Path dataDir, String room, boolean fsyncOwn) {
    SqliteDatabase db = SqliteDatabase.openDataDir(dataDir).fsyncOwnMessages(fsyncOwn);
    try {
      return db.call(
          () -> new SqliteMessageStore(db, room, Schema.roomId(db.connection(), room), true));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * A window of {@code keys} for {@code predecessor} instead of the default (tests), before use.
   */
  SqliteMessageStore recentOrderKeys(int keys) {
    db.call(
        () -> {
          recentOrder = new RecentOrder(keys);
          return null;
        });
    return this;
  }

  /** The file this store lives in (shared with other rooms; for tests of the pragmas). */
  SqliteDatabase database() {
    return db;
  }

  public String roomName() {
    return room;
  }

  @Override
  public Snapshot load(PeerId self) {
    return db.call(
        () -> {
          flushForRead();
          long lamport;
          long ownSeq;
          setRoom(selectMeta);
          try (ResultSet rs = selectMeta.executeQuery()) {
            rs.next();
            lamport = rs.getLong(1);
            ownSeq = rs.getLong(2);
          }
          lamport = Math.max(lamport, scalar(maxLamport));
          maxSeqOf.setBytes(2, self.toBytes());
          ownSeq = Math.max(ownSeq, scalar(maxSeqOf));
          return new Snapshot(lamport, ownSeq, holdings());
        });
  }

  /** Streams (origin, seq) in index order, folding runs of consecutive seqs into one range. */
  private Map<PeerId, SeqSet> holdings() throws SQLException {
    Map<PeerId, SeqSet> out = new HashMap<>();
    setRoom(allSeqs);
    try (ResultSet rs = allSeqs.executeQuery()) {
      byte[] origin = null;
      SeqSet set = null;
      long first = 0;
      long last = 0;
      while (rs.next()) {
        byte[] o = rs.getBytes(1);
        long seq = rs.getLong(2);
        if (set != null && Arrays.equals(o, origin) && seq == last + 1) {
          last = seq;
          continue;
        }
        if (set != null) {
          set.addRange(first, last);
        }
        if (!Arrays.equals(o, origin)) {
          origin = o;
          set = out.computeIfAbsent(PeerId.of(o), p -> new SeqSet());
        }
        first = seq;
        last = seq;
      }
      if (set != null) {
        set.addRange(first, last);
      }
    }
    return out;
  }

  @Override
  public void appendOwn(ChatMessage message, long lamport) {
    // message, clock and seq in the burst's transaction, whose commit is followed by an fsync of
    // the log before the message is shown or sent (write before send: the runtime commits and
    // syncs before the message leaves); a burst of own messages shares one commit and one fsync
    db.grouped(
        true,
        () -> {
          if (appendNow(message) == AppendResult.NEW && lamport <= message.lamport()) {
            // the row itself carries the clock and the seq, and load() takes the highest of each
            // from messages as well as from meta: writing meta too put one more page in the log
            // per own commit (docs/benchmarks.md, session 24)
            return null;
          }
          bumpMeta.setLong(1, lamport);
          bumpMeta.setLong(2, message.seq());
          bumpMeta.setLong(3, roomId);
          bumpMeta.executeUpdate();
          return null;
        });
  }

  @Override
  public AppendResult append(ChatMessage message) {
    return db.grouped(false, () -> appendNow(message));
  }

  /**
   * {@link #append} decided at call time: a seq above the highest its origin has stored is new for
   * sure and is staged; any other is looked for among the staged rows, then stored (or not) at once
   * as before.
   */
  private AppendResult appendNow(ChatMessage m) throws SQLException {
    long[] high = highest(m.origin());
    if (m.seq() > high[0]) {
      staged.add(m);
      stored(m); // and high[0] = m.seq()
      if (staged.size() == ROWS_PER_INSERT) {
        flush();
      }
      return AppendResult.NEW;
    }
    ChatMessage kept = stagedRow(m.id());
    if (kept == null) {
      return appendRow(m);
    }
    if (kept.equals(m)) {
      return AppendResult.DUPLICATE;
    }
    keepConflict(m);
    return AppendResult.CONFLICT;
  }

  /** Origins whose highest seq is kept now (for tests). */
  int highestOrigins() {
    return db.call(highest::size);
  }

  /** The highest seq {@code origin} has stored here (0: none), as a cell kept up to date. */
  private long[] highest(PeerId origin) throws SQLException {
    long[] high = highest.get(origin);
    if (high != null) {
      return high;
    }
    if (highest.size() >= HIGHEST_ORIGINS) {
      highest.clear(); // each is asked again: one indexed query per origin
    }
    maxSeqOf.setBytes(2, origin.toBytes());
    long max = scalar(maxSeqOf);
    for (ChatMessage m : staged) {
      if (m.origin().equals(origin)) {
        max = Math.max(max, m.seq());
      }
    }
    high = new long[] {max};
    highest.put(origin, high);
    return high;
  }

  /** The staged row of {@code id}, or null. */
  private ChatMessage stagedRow(MessageId id) {
    for (int i = staged.size() - 1; i >= 0; i--) {
      ChatMessage m = staged.get(i);
      if (m.seq() == id.seq() && m.origin().equals(id.origin())) {
        return m;
      }
    }
    return null;
  }

  /**
   * Writes the staged rows into the open group: 64 to a statement, the rest by statements of 32,
   * 16, ..., 1 rows. Each row was new when staged; should a statement meet one stored meanwhile
   * (another store object over this room), SQLite undoes it alone and its rows go one at a time, as
   * {@link #appendRow} stores a row.
   */
  private Void flush() throws SQLException {
    int n = staged.size();
    if (n == 0) {
      return null;
    }
    int from = 0;
    for (; from + ROWS_PER_INSERT <= n; from += ROWS_PER_INSERT) {
      if (insertMany == null) {
        insertMany = prepare(insertManySql);
      }
      writeStaged(insertMany, from, ROWS_PER_INSERT);
    }
    for (int log = insertFew.length - 1; log >= 0; log--) {
      int rows = 1 << log;
      if (n - from >= rows) {
        if (insertFew[log] == null) {
          insertFew[log] = prepare(insertSql(rows));
        }
        writeStaged(insertFew[log], from, rows);
        from += rows;
      }
    }
    staged.clear();
    return null;
  }

  /**
   * Writes the staged rows before a query that reads {@code messages}; a failure rolls the group
   * back, as a failing insert did.
   */
  private void flushForRead() {
    if (!staged.isEmpty()) {
      db.grouped(false, this::flush);
    }
  }

  private void writeStaged(PreparedStatement ps, int from, int rows) throws SQLException {
    if (Rows.insertRows(ps, staged, from, rows)) {
      return;
    }
    for (ChatMessage m : staged.subList(from, from + rows)) {
      Rows.bind(insert, roomId, m);
      if (insert.executeUpdate() == 0 && !m.equals(storedRow(m.id()))) {
        keepConflict(m);
      }
    }
  }

  /** A sync batch in one transaction: one log write instead of one per message. */
  @Override
  public List<AppendResult> appendAll(List<ChatMessage> messages) {
    if (messages.isEmpty()) {
      return List.of();
    }
    return db.grouped(
        false,
        () -> {
          flush(); // a staged row is in no statement's way, nor a batch's copy of one in its
          List<AppendResult> out = new ArrayList<>(messages.size());
          int i = 0;
          for (; i + ROWS_PER_INSERT <= messages.size(); i += ROWS_PER_INSERT) {
            if (appendNew(messages, i)) {
              out.addAll(Collections.nCopies(ROWS_PER_INSERT, AppendResult.NEW));
            } else {
              for (ChatMessage m : messages.subList(i, i + ROWS_PER_INSERT)) {
                out.add(appendRow(m));
              }
            }
          }
          for (ChatMessage m : messages.subList(i, messages.size())) {
            out.add(appendRow(m));
          }
          return out;
        });
  }

  /**
   * Stores {@link #ROWS_PER_INSERT} messages from {@code from} in one statement, if every one is
   * new: true if they were, false (and nothing stored) if one is already stored or repeated.
   */
  private boolean appendNew(List<ChatMessage> messages, int from) throws SQLException {
    if (insertMany == null) {
      insertMany = prepare(insertManySql);
    }
    if (!Rows.insertRows(insertMany, messages, from, ROWS_PER_INSERT)) {
      return false; // SQLite undid the statement: the rows go one at a time, each told apart
    }
    for (int k = 0; k < ROWS_PER_INSERT; k++) {
      stored(messages.get(from + k));
    }
    return true;
  }

  private AppendResult appendRow(ChatMessage m) throws SQLException {
    Rows.bind(insert, roomId, m);
    if (insert.executeUpdate() == 1) {
      stored(m);
      return AppendResult.NEW;
    }
    ChatMessage existing = storedRow(m.id());
    if (existing.equals(m)) {
      return AppendResult.DUPLICATE;
    }
    keepConflict(m);
    return AppendResult.CONFLICT;
  }

  /**
   * Keeps a second version of a stored id in {@code conflicts}: at most {@link
   * MessageStore#MAX_CONFLICTS_PER_ORIGIN} rows per origin. Each distinct signed version was a row:
   * a member that signs versions of one seq without end grew every peer's file without end (rev28).
   * What is kept is evidence; the proof that freezes the author needs one.
   */
  private void keepConflict(ChatMessage m) throws SQLException {
    Integer n = conflictsOf.get(m.origin());
    if (n == null) {
      if (conflictsOf.size() >= 4_096) {
        conflictsOf.clear();
      }
      setRoom(originConflicts);
      originConflicts.setBytes(2, m.origin().toBytes());
      try (ResultSet rs = originConflicts.executeQuery()) {
        n = rs.next() ? rs.getInt(1) : 0;
      }
    }
    if (n < MAX_CONFLICTS_PER_ORIGIN) {
      Rows.bind(insertConflict, roomId, m);
      n += insertConflict.executeUpdate();
    }
    conflictsOf.put(m.origin(), n);
  }

  private void stored(ChatMessage m) {
    inGroup.add(m.id());
    long[] high = highest.get(m.origin());
    if (high != null && m.seq() > high[0]) {
      high[0] = m.seq();
    }
    recentLamports.put(m.id(), m.lamport());
    if (!recentOrder.unknown()) {
      recentOrder.stored(m.lamport(), m.origin(), m.seq());
    }
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    return db.call(
        () -> {
          ChatMessage kept = stagedRow(id);
          return Optional.ofNullable(kept != null ? kept : storedRow(id));
        });
  }

  /** The row of {@code id} in SQLite (not among the staged rows), or null. */
  private ChatMessage storedRow(MessageId id) throws SQLException {
    setRoom(selectOne);
    selectOne.setBytes(2, id.origin().toBytes());
    selectOne.setLong(3, id.seq());
    List<ChatMessage> found = Rows.read(selectOne, 1);
    return found.isEmpty() ? null : found.get(0);
  }

  @Override
  public OptionalLong lamportOf(MessageId id) {
    return db.call(
        () -> {
          long recent = recentLamports.get(id);
          if (recent != 0) {
            return OptionalLong.of(recent);
          }
          if (id.seq() > highest(id.origin())[0]) {
            // not stored yet: the room asks the time of every delivered dependency past its
            // recent ones, and a line shown before its head is delivered but stored only once the
            // head is checked; half of this method's samples in the SQLite throughput cell were
            // such queries, finding nothing (docs/benchmarks.md, session 27)
            return OptionalLong.empty();
          }
          ChatMessage kept = stagedRow(id);
          if (kept != null) {
            return OptionalLong.of(kept.lamport());
          }
          Long stored =
              Rows.queryFirst(
                  selectLamport,
                  (d, stmt) -> {
                    DirectBind.bindLong(d, stmt, 1, roomId);
                    DirectBind.bindBlob(d, stmt, 2, id.origin().toBytes());
                    DirectBind.bindLong(d, stmt, 3, id.seq());
                  },
                  (d, row) -> d.column_long(row, 0));
          return stored == null ? OptionalLong.empty() : OptionalLong.of(stored);
        });
  }

  @Override
  public void markWaiting(MessageId id) {
    db.grouped(false, () -> bindId(insertWaiting, id).executeUpdate());
  }

  @Override
  public void markShown(MessageId id) {
    db.grouped(false, () -> bindId(deleteWaiting, id).executeUpdate());
  }

  @Override
  public void markHidden(MessageId id) {
    db.grouped(
        false,
        () -> {
          if (stagedRow(id) != null) {
            flush(); // its row is written first, to be marked (rare: a refused row)
          }
          return bindId(hide, id).executeUpdate();
        });
  }

  @Override
  public List<MessageId> waiting() {
    return db.call(
        () -> {
          setRoom(selectWaiting);
          List<MessageId> out = new ArrayList<>();
          try (ResultSet rs = selectWaiting.executeQuery()) {
            while (rs.next()) {
              out.add(new MessageId(PeerId.of(rs.getBytes(1)), rs.getLong(2)));
            }
          }
          return out;
        });
  }

  private PreparedStatement bindId(PreparedStatement ps, MessageId id) throws SQLException {
    setRoom(ps);
    ps.setBytes(2, id.origin().toBytes());
    ps.setLong(3, id.seq());
    return ps;
  }

  @Override
  public void putHead(ChainHead head) {
    db.grouped(false, () -> heads.put(head));
  }

  @Override
  public Optional<ChainHead> headAtOrAfter(PeerId origin, long seq) {
    return db.call(() -> heads.atOrAfter(origin, seq));
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange r, int limit) {
    return db.call(
        () -> {
          flushForRead();
          setRoom(range);
          range.setBytes(2, origin.toBytes());
          range.setLong(3, r.first());
          range.setLong(4, r.last());
          range.setInt(5, limit);
          return Rows.read(range, limit, origin);
        });
  }

  @Override
  public List<ChatMessage> history(int limit) {
    return db.call(
        () -> {
          flushForRead();
          setRoom(tailShown);
          tailShown.setInt(2, limit);
          List<ChatMessage> out = Rows.read(tailShown, limit);
          Collections.reverse(out);
          return out;
        });
  }

  @Override
  public List<ChatMessage> historyBefore(ChatMessage before, int limit) {
    if (before == null) {
      return history(limit);
    }
    return db.call(
        () -> {
          flushForRead();
          setRoom(tailBefore);
          tailBefore.setLong(2, before.lamport());
          tailBefore.setBytes(3, before.origin().toBytes());
          tailBefore.setLong(4, before.seq());
          tailBefore.setInt(5, limit);
          List<ChatMessage> out = Rows.read(tailBefore, limit);
          Collections.reverse(out);
          return out;
        });
  }

  /**
   * The messages after {@code from} (exclusive; null = from the start) in canonical order, at most
   * {@code limit}, those marked hidden left out: a cursor for reading a whole history one page at a
   * time.
   */
  public List<ChatMessage> page(ChatMessage from, int limit) {
    return db.call(
        () -> {
          flushForRead();
          setRoom(after);
          after.setLong(2, from == null ? 0 : from.lamport());
          after.setBytes(3, from == null ? new byte[0] : from.origin().toBytes());
          after.setLong(4, from == null ? 0 : from.seq());
          after.setInt(5, limit);
          return Rows.read(after, limit);
        });
  }

  /**
   * The message with {@code n} newer ones after it (0 = the newest), those marked hidden not
   * counted; OFFSET walks the index.
   */
  public Optional<ChatMessage> nthNewest(long n) {
    return db.call(
        () -> {
          flushForRead();
          setRoom(nth);
          nth.setLong(2, n);
          List<ChatMessage> found = Rows.read(nth, 1);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  @Override
  public Optional<MessageId> predecessor(LamportTimestamp key) {
    return db.call(
        () -> {
          if (recentOrder.unknown()) {
            setRoom(tail);
            tail.setInt(2, 1);
            List<ChatMessage> top = Rows.read(tail, 1);
            ChatMessage h = top.isEmpty() ? null : top.get(0);
            for (ChatMessage m : staged) {
              if (h == null || canonical(m.lamport(), m.origin(), m.seq(), h) > 0) {
                h = m;
              }
            }
            if (h == null) {
              recentOrder.reset(0, null, 0, false);
            } else {
              recentOrder.reset(h.lamport(), h.origin(), h.seq(), true);
            }
          }
          Optional<MessageId> known = recentOrder.predecessor(key);
          if (known != null) {
            return known;
          }
          // the highest staged row below the key, then SQLite's: no flush for a late message
          ChatMessage best = null;
          for (ChatMessage m : staged) {
            boolean below =
                m.lamport() < key.time()
                    || (m.lamport() == key.time() && m.origin().compareTo(key.origin()) < 0);
            if (below && (best == null || canonical(m.lamport(), m.origin(), m.seq(), best) > 0)) {
              best = m;
            }
          }
          // straight from the driver, as Rows.read does: through executeQuery this query cost
          // about as much again in JDBC's result set as in SQLite (docs/benchmarks.md, session 37)
          long[] lamport = new long[1];
          MessageId below =
              Rows.queryFirst(
                  predecessor,
                  (d, stmt) -> {
                    DirectBind.bindLong(d, stmt, 1, roomId);
                    DirectBind.bindLong(d, stmt, 2, key.time());
                    DirectBind.bindBlob(d, stmt, 3, key.origin().toBytes());
                  },
                  (d, row) -> {
                    lamport[0] = d.column_long(row, 2);
                    return new MessageId(PeerId.of(d.column_blob(row, 0)), d.column_long(row, 1));
                  });
          if (below != null
              && (best == null || canonical(lamport[0], below.origin(), below.seq(), best) > 0)) {
            return Optional.of(below);
          }
          return best == null ? Optional.empty() : Optional.of(best.id());
        });
  }

  /** (lamport, origin, seq) against {@code m} in canonical order. */
  private static int canonical(long lamport, PeerId origin, long seq, ChatMessage m) {
    int c = Long.compare(lamport, m.lamport());
    if (c == 0) {
      c = origin.compareTo(m.origin());
    }
    return c != 0 ? c : Long.compare(seq, m.seq());
  }

  @Override
  public List<MessageId> latest(int limit) {
    List<ChatMessage> newest =
        db.call(
            () -> {
              flushForRead();
              setRoom(tail);
              tail.setInt(2, limit);
              return Rows.read(tail, limit);
            });
    List<MessageId> out = new ArrayList<>(newest.size());
    newest.forEach(m -> out.add(m.id()));
    return out;
  }

  @Override
  public long count() {
    return db.call(
        () -> {
          flushForRead();
          return scalar(count);
        });
  }

  @Override
  public long conflictCount() {
    return db.call(() -> scalar(conflictCount));
  }

  @Override
  public void commit() {
    db.commitGroup();
  }

  @Override
  public boolean commitLeavingSync() {
    return db.commitGroupLeavingSync();
  }

  @Override
  public void sync() {
    db.sync();
  }

  @Override
  public boolean outlivesProcess() {
    return true;
  }

  @Override
  public long rollbacks() {
    return db.rollbacks();
  }

  @Override
  public List<MessageId> takeRolledBack() {
    return db.call(
        () -> {
          if (rolledBack.isEmpty()) {
            return List.of();
          }
          List<MessageId> out = List.copyOf(rolledBack);
          rolledBack.clear();
          return out;
        });
  }

  @Override
  public boolean takeCheckpoints() {
    db.checkpointElsewhere();
    return true;
  }

  @Override
  public void checkpoint() {
    db.checkpoint();
  }

  @Override
  public long writes() {
    return db.writes();
  }

  @Override
  public void close() {
    db.call(
        () -> {
          flushForRead(); // into the open group, which the database commits (or its next commit
          // does)
          if (!charges.isEmpty()) {
            db.grouped(false, this::flushCharges); // the quota's last charges, likewise
          }
          db.untrack(statements);
          for (PreparedStatement ps : statements) {
            ps.close();
          }
          return null;
        });
    if (ownsDatabase) {
      db.close();
    }
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    Connection c = db.connection();
    PreparedStatement ps = c.prepareStatement(sql);
    statements.add(ps);
    db.track(ps);
    return ps;
  }

  private void setRoom(PreparedStatement ps) throws SQLException {
    ps.setLong(1, roomId);
  }

  private long scalar(PreparedStatement ps) throws SQLException {
    setRoom(ps);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
