package meshchat.peer.store.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * One peer's history file ({@code <data>/history.db}): one SQLite connection shared by every room
 * stored in it. Opening checks that the file is a meshchat database and migrates its schema; a file
 * that is not fails with {@link HistoryDatabaseException} and is left exactly as it was.
 *
 * <p>All access goes through {@link #call} and {@link #transaction}, which serialize on this object
 * (two rooms on two threads share the connection) and translate driver errors. {@link #sync}, the
 * fsync that makes own messages survive a power cut, does not: it may run on another thread while
 * the connection goes on (see {@link #commitGroupLeavingSync}).
 */
public final class SqliteDatabase implements AutoCloseable {
  /** The history file's name inside a peer's data directory. */
  public static final String FILE_NAME = "history.db";

  /** "MshC" in the header's application_id: marks the file as ours for us and for file(1). */
  static final int APPLICATION_ID = 0x4d736843;

  private final Path file;
  private final Connection conn;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private volatile boolean fsyncOwn = true;
  private boolean groupOpen; // guarded by this
  private final List<Runnable> onRollback = new ArrayList<>(); // guarded by this
  private final List<Runnable> afterCommit = new ArrayList<>(); // guarded by this
  private final List<PreparedStatement> tracked = new ArrayList<>(); // guarded by this
  private volatile long rollbacks;
  private final List<Sql<Void>> beforeCommit = new ArrayList<>(); // guarded by this
  private boolean groupDurable; // the open group holds own messages: an fsync follows its commit
  private final Object syncLock = new Object(); // the fsync's own state, apart from the connection
  private FileChannel log; // the WAL file, opened at the first sync; guarded by syncLock
  private Object logKey; // its file key (inode), to notice a log SQLite deleted and made anew
  private long syncs; // fsyncs done (for tests); guarded by syncLock
  private boolean closed; // no fsync after close (a crashed node's late one); guarded by syncLock
  private final Object checkpointLock = new Object(); // the checkpointer's, apart from both
  private Connection checkpointer; // opened at the first checkpoint; guarded by checkpointLock
  private boolean checkpointerClosed; // guarded by checkpointLock
  private long passes; // wal_checkpoint passes made (for tests); guarded by checkpointLock

  /**
   * Log pages past which a commit still checkpoints by itself once checkpoints are taken elsewhere
   * ({@link #checkpointElsewhere}): a backstop, should the other thread fall far behind (SQLite's
   * default is 1,000 pages, about 4 MB).
   */
  static final int BACKSTOP_PAGES = 16_384;

  private SqliteDatabase(Path file, Connection conn) throws SQLException {
    this.file = file;
    this.conn = conn;
    // IMMEDIATE takes the write lock at BEGIN, so a busy file waits (busy_timeout) up front
    // instead of failing half-way through a transaction.
    this.begin = conn.prepareStatement("BEGIN IMMEDIATE");
    this.commit = conn.prepareStatement("COMMIT");
    this.rollback = conn.prepareStatement("ROLLBACK");
    track(begin);
    track(commit);
    track(rollback);
  }

  /** The history of the peer whose data directory is {@code dataDir}. */
  public static SqliteDatabase openDataDir(Path dataDir) {
    return open(dataDir.resolve(FILE_NAME));
  }

  /**
   * Opens {@code file}, creating it if absent (its directory must exist).
   *
   * @throws HistoryDatabaseException if it cannot be opened or is not a meshchat database
   */
  public static SqliteDatabase open(Path file) {
    Path abs = file.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new HistoryDatabaseException(abs, "cannot be opened: it is a directory");
    }
    Connection conn = null;
    try {
      // the driver class directly, not DriverManager: no dependence on service loading, which a
      // shaded jar or an unusual class loader can break
      SQLiteDataSource source = new SQLiteDataSource();
      source.setUrl("jdbc:sqlite:" + abs);
      // we never ask for generated keys: without this, the driver follows every INSERT with a
      // regex over its SQL and a fresh "SELECT last_insert_rowid()" statement, prepared and run
      // (a fifth of a catch-up's store time, docs/benchmarks.md)
      source.setGetGeneratedKeys(false);
      conn = source.getConnection();
      configure(conn);
      Schema.checkAndMigrate(abs, conn);
      return new SqliteDatabase(abs, conn);
    } catch (SQLException e) {
      closeQuietly(conn);
      throw HistoryDatabaseException.from(abs, e);
    } catch (RuntimeException e) {
      closeQuietly(conn);
      throw e;
    }
  }

  private static void configure(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      // Another process may hold the file briefly: `meshchat history` reading while the peer
      // writes, or a checkpoint. Wait up to 5 s for the lock instead of failing with SQLITE_BUSY.
      s.execute("PRAGMA busy_timeout = 5000");
      // SQLite leaves foreign keys off for backward compatibility; we want a message or conflict
      // row never to name a room that does not exist. The cost is one primary-key probe per insert.
      s.execute("PRAGMA foreign_keys = ON");
      // A statement that may abort inside a transaction (a sync batch's 64-row INSERT, which the
      // store relies on SQLite undoing alone; any multi-row insert under a foreign key) keeps the
      // pages it changes in a statement journal. Past 64 KiB SQLite spills that journal to a
      // temporary file, and a batch's statements spilled nearly every time: a 100,000-message
      // catch-up wrote 119 MB to /var/tmp besides its 34 MB of log (docs/benchmarks.md, session
      // 18). In memory it is a statement's size, freed when the statement ends; it guards no
      // durability (a crash loses the open transaction whole, from the log).
      s.execute("PRAGMA temp_store = MEMORY");
      // Reading the header here (not in the pragmas above) is what makes a garbage or truncated
      // file fail now, at open, with SQLITE_NOTADB, before anything could be written to it.
      s.executeQuery("PRAGMA schema_version").close();
    }
  }

  /**
   * Pragmas that write to the file; run only once the file is known to be ours, so a foreign
   * database is never converted to WAL behind its owner's back.
   */
  static void configureOurs(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      // WAL (https://www.sqlite.org/wal.html): a commit appends to the log instead of rewriting
      // pages through a rollback journal, so it costs one sequential write; and readers (the
      // `history` command in another process) never block the peer's writes, nor the reverse.
      // The mode is stored in the file and persists.
      s.execute("PRAGMA journal_mode = WAL");
      // NORMAL in WAL mode: a commit is written to the log (so it survives the process being
      // killed: the OS has the bytes) but not fsync'ed; only a power loss or OS crash can roll back
      // the last commits, and the file stays consistent. That is right for messages from others:
      // anti-entropy fetches them again. A peer's OWN message is different: once sent, a rolled-
      // back seq would be reused for a different message, a fork. So a commit holding own messages
      // is followed by an fsync of the log (sync()) before any of them is shown or sent: what
      // synchronous = FULL does at commit, but on a thread of the caller's choosing, so the room
      // thread goes on with other peers' messages meanwhile. FULL everywhere would cost an fsync
      // per received message, ruinous for a 100k catch-up.
      s.execute("PRAGMA synchronous = NORMAL");
    }
  }

  public Path file() {
    return file;
  }

  /** The store of one room, created on first use. Closing it leaves this database open. */
  public SqliteMessageStore room(String roomName) {
    return call(() -> new SqliteMessageStore(this, roomName, Schema.roomId(conn, roomName), false));
  }

  /** The names of the rooms stored here, sorted. */
  public List<String> rooms() {
    return call(
        () -> {
          List<String> out = new ArrayList<>();
          try (Statement s = conn.createStatement();
              ResultSet rs = s.executeQuery("SELECT room FROM meta ORDER BY room")) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
  }

  Connection connection() {
    return conn;
  }

  interface Sql<T> {
    T run() throws SQLException;
  }

  /**
   * Keeps {@code ps} usable after a failure: the driver finalizes a statement whose step fails for
   * most reasons (a full disk among them), and every later use of it then fails with "statement is
   * not executing": one full disk made the store unusable for the rest of the session, long after
   * the disk had room again (session 29). Such a statement is prepared again after the failure.
   */
  synchronized void track(PreparedStatement ps) {
    tracked.add(ps);
  }

  /** {@code closing} are being closed for good: never prepared again. */
  synchronized void untrack(List<PreparedStatement> closing) {
    tracked.removeAll(closing);
  }

  /** Prepares again each tracked statement the driver finalized after a failed step. */
  private void reviveClosed() {
    for (PreparedStatement ps : tracked) {
      try {
        org.sqlite.core.DirectBind.revive(ps);
      } catch (SQLException e) {
        // the connection itself is gone: the next use fails and says so
      }
    }
  }

  /** Runs {@code body} alone on the connection; driver errors become a one-line exception. */
  <T> T call(Sql<T> body) {
    synchronized (this) {
      try {
        return body.run();
      } catch (SQLException e) {
        reviveClosed();
        throw HistoryDatabaseException.from(file, e);
      } catch (IllegalArgumentException e) {
        // a row that does not decode into a message (bad deps, bad id): the file is damaged
        throw HistoryDatabaseException.corrupt(file, e.getMessage());
      }
    }
  }

  /**
   * Runs {@code body} in one transaction. {@code durable} makes the commit fsync the log ({@link
   * #sync}) before this returns.
   */
  <T> T transaction(boolean durableRequested, Sql<T> body) {
    boolean durable = durableRequested && fsyncOwn;
    boolean[] owed = new boolean[1];
    T out =
        call(
            () -> {
              owed[0] = commitOpenGroup(); // what was received before this commits first, in order
              begin.execute();
              T result;
              try {
                result = body.run();
              } catch (SQLException | RuntimeException e) {
                rolledBack();
                throw e;
              }
              commit.execute();
              afterCommit.forEach(Runnable::run);
              return result;
            });
    if (durable || owed[0]) {
      sync();
    }
    return out;
  }

  /**
   * Runs {@code body} inside the open group transaction, opening one if needed. Group commit: the
   * appends of one burst share one transaction, committed by {@link #commitGroup} (or by the next
   * {@link #transaction}, or {@link #close}). A {@code durable} body (own messages) makes the group
   * one whose commit must be followed by an fsync ({@link #commitGroupLeavingSync}). On an error
   * the group is rolled back: messages from others are fetched again by anti-entropy; own messages
   * were never sent.
   */
  <T> T grouped(boolean durableRequested, Sql<T> body) {
    boolean durable = durableRequested && fsyncOwn;
    return call(
        () -> {
          if (!groupOpen) {
            begin.execute();
            groupOpen = true;
          }
          groupDurable |= durable;
          try {
            return body.run();
          } catch (SQLException | RuntimeException e) {
            groupOpen = false;
            groupDurable = false;
            rolledBack();
            throw e;
          }
        });
  }

  /**
   * Rolls the open transaction back, and first tells whoever keeps a copy of what it wrote ({@link
   * #onRollback}): that copy must go with it.
   */
  private void rolledBack() throws SQLException {
    rollbacks++;
    onRollback.forEach(Runnable::run);
    try {
      rollback.execute();
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        throw e;
      }
      // SQLite rolled back by itself (a full disk, an I/O error): the caller's error is the one
      // to report, not this one
    }
  }

  /** How many times a transaction was rolled back. */
  long rollbacks() {
    return rollbacks;
  }

  /** {@code done} runs after every commit, on the connection's lock. */
  synchronized void afterCommit(Runnable done) {
    afterCommit.add(done);
  }

  /** {@code forget} runs at every rollback, on the connection's lock. */
  synchronized void onRollback(Runnable forget) {
    onRollback.add(forget);
  }

  /**
   * {@code write} runs on the connection's lock inside the open group, right before its commit:
   * rows a store kept back for one multi-row statement are written there. A failure rolls the group
   * back, as a failing commit does.
   */
  synchronized void beforeCommit(Sql<Void> write) {
    beforeCommit.add(write);
  }

  /** Whether a group is open that holds own messages: an fsync must follow its commit. */
  synchronized boolean openGroupFsyncs() {
    return groupOpen && groupDurable;
  }

  /** Commits the open group transaction, if any, and fsyncs the log if it held own messages. */
  public void commitGroup() {
    if (commitGroupLeavingSync()) {
      sync();
    }
  }

  /**
   * Commits the open group transaction, if any, without the fsync its own messages need: returns
   * true if it held some, and then the caller must {@link #sync} (on any thread) before any of them
   * is shown or sent. Until then they survive a killed process, not a power cut.
   */
  public boolean commitGroupLeavingSync() {
    return call(this::commitOpenGroup);
  }

  /** Commits the open group; true if it held own messages (an fsync is owed). */
  private boolean commitOpenGroup() throws SQLException {
    if (!groupOpen) {
      return false;
    }
    boolean owed = groupDurable;
    try {
      for (Sql<Void> write : beforeCommit) {
        write.run();
      }
    } catch (SQLException | RuntimeException e) {
      groupOpen = false;
      groupDurable = false;
      rolledBack();
      throw e;
    }
    groupOpen = false;
    groupDurable = false;
    try {
      commit.execute();
      afterCommit.forEach(Runnable::run);
    } catch (SQLException e) {
      // leave no half state: the caller drops the group's own messages, none shown or sent
      try {
        rolledBack();
      } catch (SQLException alreadyRolledBack) {
        // SQLite rolls back by itself on some errors (a full disk, an I/O error)
      }
      throw e;
    }
    return owed;
  }

  /**
   * Makes every commit done so far survive a power cut: an fsync of the WAL, which holds every
   * commit not yet checkpointed (a checkpoint fsyncs the database file itself under {@code
   * synchronous = NORMAL}, https://www.sqlite.org/pragma.html#pragma_synchronous). Blocks for the
   * fsync; any thread, concurrently with the connection's use. With fsync off (a bench) it does
   * nothing.
   *
   * @throws HistoryDatabaseException if the fsync fails
   */
  public void sync() {
    if (!fsyncOwn) {
      return;
    }
    synchronized (syncLock) {
      if (closed) {
        return; // close() synced what it committed; the connection's close checkpoints the rest
      }
      try {
        FileChannel ch = log();
        if (ch != null) {
          ch.force(false);
        }
        syncs++;
      } catch (IOException e) {
        closeLog();
        throw HistoryDatabaseException.io(file, "could not fsync the log", e);
      }
    }
  }

  /** The WAL file, (re)opened if SQLite made it anew; the database file if there is none. */
  private FileChannel log() throws IOException {
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    Object key;
    try {
      key = Files.readAttributes(wal, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      closeLog(); // no log: every commit is in the database file itself
      try (FileChannel db =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        db.force(false);
      }
      return null;
    }
    if (log == null || key == null || !key.equals(logKey)) {
      closeLog();
      log = FileChannel.open(wal, StandardOpenOption.READ, StandardOpenOption.WRITE);
      logKey = key;
      syncDirectory(); // a log created since the last sync must be found after a power cut
    }
    return log;
  }

  private void syncDirectory() {
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UncheckedIOException e) {
      // not every file system lets a directory be opened or synced; the log's own fsync stands
    }
  }

  private void closeLog() {
    if (log != null) {
      try {
        log.close();
      } catch (IOException ignored) {
        // closing a read-write channel we only fsync: nothing to lose
      }
      log = null;
      logKey = null;
    }
  }

  /**
   * From now on the connection's commits leave the log's checkpoints to {@link #checkpoint}, run on
   * another thread (but past {@link #BACKSTOP_PAGES}). A checkpoint copies the log's pages into the
   * database file and fsyncs it (synchronous = NORMAL): run by a commit on the room thread, it held
   * up every delivery behind it for milliseconds.
   */
  public synchronized void checkpointElsewhere() {
    try (Statement s = conn.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint = " + BACKSTOP_PAGES);
    } catch (SQLException e) {
      throw HistoryDatabaseException.from(file, e);
    }
  }

  /**
   * A passive checkpoint over a connection of its own: copies the committed log pages that no
   * reader still needs into the database file, without waiting for readers or blocking the main
   * connection's commits (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html). Any thread; blocks
   * for the copy and its fsync. After {@link #close} it does nothing.
   *
   * @throws HistoryDatabaseException if the checkpoint fails
   */
  public void checkpoint() {
    synchronized (checkpointLock) {
      if (checkpointerClosed) {
        return;
      }
      try {
        if (checkpointer == null) {
          SQLiteDataSource source = new SQLiteDataSource();
          source.setUrl("jdbc:sqlite:" + file);
          source.setGetGeneratedKeys(false);
          checkpointer = source.getConnection();
        }
        try (Statement s = checkpointer.createStatement()) {
          // A pass copies the log as it was when the pass began; the main connection's commits
          // meanwhile stay in it, and SQLite starts the log over (at a commit) only once every
          // frame in it was copied. So while rows keep coming (a catch-up, a flood) one pass a
          // time never caught up, the log grew to BACKSTOP_PAGES and a commit on the room thread
          // checkpointed it (docs/benchmarks.md, session 36). A next pass copies only what came
          // during the last one, so a few passes catch up.
          long before = -1;
          for (int pass = 0; pass < CHECKPOINT_PASSES; pass++) {
            long logFrames;
            long copied;
            try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
              if (!rs.next()) {
                break;
              }
              logFrames = rs.getLong(2);
              copied = rs.getLong(3);
            }
            passes++;
            if (logFrames < 0 || logFrames <= before || copied < logFrames) {
              break; // not in WAL mode; nothing came since the last pass; a reader held it back
            }
            before = logFrames;
          }
        }
      } catch (SQLException e) {
        throw HistoryDatabaseException.from(file, e);
      }
    }
  }

  /** Passes of {@code wal_checkpoint} a {@link #checkpoint} makes at most. */
  static final int CHECKPOINT_PASSES = 4;

  /** How many passes {@link #checkpoint} has made (for tests). */
  long checkpointPasses() {
    synchronized (checkpointLock) {
      return passes;
    }
  }

  /**
   * Rows this connection's statements have inserted, updated or deleted since it opened ({@code
   * sqlite3_total_changes64}): how much the log has grown, in rows. Any thread.
   */
  public long writes() {
    return call(() -> ((SQLiteConnection) conn).getDatabase().total_changes());
  }

  /** How many fsyncs {@link #sync} has done (for tests). */
  long syncCount() {
    synchronized (syncLock) {
      return syncs;
    }
  }

  /** Whether durable transactions (own messages) fsync at commit; true unless a bench says no. */
  public SqliteDatabase fsyncOwnMessages(boolean on) {
    this.fsyncOwn = on;
    return this;
  }

  @Override
  public void close() {
    synchronized (this) {
      try {
        if (commitOpenGroup()) {
          sync();
        }
        conn.close();
      } catch (SQLException e) {
        throw HistoryDatabaseException.from(file, e);
      }
    }
    synchronized (syncLock) {
      closed = true;
      closeLog();
    }
    synchronized (checkpointLock) {
      checkpointerClosed = true;
      closeQuietly(checkpointer);
      checkpointer = null;
    }
  }

  private static void closeQuietly(Connection conn) {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // already failing with a better message
      }
    }
  }
}
