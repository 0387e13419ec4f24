package org.sqlite.core;

import java.sql.SQLException;

/**
 * sqlite-jdbc's own bind calls, which it keeps to its package, for meshchat's sync-batch insert
 * ({@code meshchat.peer.store.sqlite.Rows#insertRows}). Through JDBC each bound value is boxed and
 * stored by {@code setLong}/{@code setBytes}/..., then unboxed and dispatched by type at execute: a
 * 64-row insert binds 576 values, and a 100,000-message catch-up 900,000 (docs/benchmarks.md,
 * session 19). Called with the driver's lock held ({@link SafeStmtPtr#safeRunInt}), as JDBC's own
 * path holds it. Checks every return code as JDBC does.
 */
public final class DirectBind {
  private static final int SQLITE_OK = 0;

  private DirectBind() {}

  public static void bindLong(DB db, long stmt, int pos, long v) throws SQLException {
    check(db, db.bind_long(stmt, pos, v));
  }

  public static void bindBlob(DB db, long stmt, int pos, byte[] v) throws SQLException {
    check(db, db.bind_blob(stmt, pos, v));
  }

  /** A TEXT value from a Java string (sent to SQLite as its UTF-8 bytes). */
  public static void bindText(DB db, long stmt, int pos, String v) throws SQLException {
    check(db, db.bind_text(stmt, pos, v));
  }

  /**
   * Steps a statement that returns no rows once, and resets it for its next use, whatever the
   * outcome; returns SQLite's result code (101, {@code SQLITE_DONE}, if it ran to its end).
   */
  public static int stepOnce(DB db, long stmt) throws SQLException {
    int rc = db.step(stmt);
    db.reset(stmt);
    return rc;
  }

  /** What {@link #firstRow} makes of a query's first row, read with {@code db}'s column calls. */
  @FunctionalInterface
  public interface RowReader<T> {
    T read(DB db, long stmt) throws SQLException;
  }

  /**
   * Steps a query once and resets it for its next use, whatever the outcome: what {@code reader}
   * makes of its first row, or null if it has none. No {@code ResultSet}: JDBC's {@code
   * executeQuery} makes one per call and asks the driver for every column's name, and its getters
   * each allocate a capturing lambda (docs/benchmarks.md, session 37).
   *
   * @throws SQLException if the step fails (SQLite's code and message)
   */
  public static <T> T firstRow(DB db, long stmt, RowReader<T> reader) throws SQLException {
    try {
      int rc = db.step(stmt);
      if (rc == SQLITE_ROW) {
        return reader.read(db, stmt);
      }
      if (rc != SQLITE_DONE) {
        throw failure(db, rc);
      }
      return null;
    } finally {
      db.reset(stmt);
    }
  }

  private static final int SQLITE_ROW = 100;
  private static final int SQLITE_DONE = 101;

  /**
   * Prepares {@code ps} again, in place, if the driver finalized it (it does so when a step fails
   * for most reasons, a full disk among them: every later use then failed with "statement is not
   * executing"). Its SQL and parameter count are those it had.
   */
  public static void revive(java.sql.PreparedStatement ps) throws SQLException {
    CoreStatement s = (CoreStatement) ps;
    if (s.pointer != null && s.pointer.isClosed() && !s.conn.isClosed()) {
      s.conn.getDatabase().prepare(s);
    }
  }

  /**
   * The driver's exception for {@code rc}, with SQLite's message for the connection's last error.
   */
  public static SQLException failure(DB db, int rc) throws SQLException {
    return DB.newSQLException(rc, db.errmsg());
  }

  private static void check(DB db, int rc) throws SQLException {
    if (rc != SQLITE_OK) {
      throw failure(db, rc);
    }
  }
}
