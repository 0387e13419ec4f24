package meshchat.peer.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.DirectBind;

/** ChatMessage ⇄ row: the one place that knows the column order of messages and conflicts. */
final class Rows {
  static final String COLS = "origin, seq, lamport, wall_time_ms, nick, text, deps, prev, kind";

  private Rows() {}

  /** Binds {@code m} to parameters 2..10; parameter 1 is the room id. */
  static void bind(PreparedStatement ps, long roomId, ChatMessage m) throws SQLException {
    bind(ps, 0, roomId, m);
  }

  /** Binds {@code m} to parameters {@code at + 2 .. at + 10}, the room id to {@code at + 1}. */
  static void bind(PreparedStatement ps, int at, long roomId, ChatMessage m) throws SQLException {
    ps.setLong(at + 1, roomId);
    bindMessage(ps, at + 1, m);
  }

  /** Binds {@code m}'s columns ({@link #COLS}) to parameters {@code at + 1 .. at + 9}. */
  static void bindMessage(PreparedStatement ps, int at, ChatMessage m) throws SQLException {
    columns(
        new Columns() {
          @Override
          public void blob(int pos, byte[] v) throws SQLException {
            ps.setBytes(pos, v);
          }

          @Override
          public void i64(int pos, long v) throws SQLException {
            ps.setLong(pos, v);
          }

          @Override
          public void text(int pos, String v) throws SQLException {
            ps.setString(pos, v);
          }
        },
        at,
        m);
  }

  /**
   * Where a row's values go: JDBC's setters, or the driver's own bind calls ({@link #insertRows}).
   */
  private interface Columns {
    void blob(int pos, byte[] v) throws SQLException;

    void i64(int pos, long v) throws SQLException;

    void text(int pos, String v) throws SQLException;
  }

  /**
   * {@code m}'s values in {@link #COLS}' order, to parameters {@code at + 1 .. at + 9}: the one
   * list.
   */
  private static void columns(Columns c, int at, ChatMessage m) throws SQLException {
    c.blob(at + 1, m.origin().toBytes());
    c.i64(at + 2, m.seq());
    c.i64(at + 3, m.lamport());
    c.i64(at + 4, m.wallTimeMs());
    c.text(at + 5, m.nick());
    c.text(at + 6, m.text());
    c.blob(at + 7, DepsCodec.encode(m.deps()));
    c.blob(at + 8, m.prevUnsafe());
    c.i64(at + 9, m.kind().wire());
  }

  /**
   * Runs {@code ps}, an insert of {@code count} rows of {@link #COLS} (9 parameters a row, the room
   * id written into its text), once for {@code messages[from .. from + count)}: true if every row
   * was stored, false if a constraint made SQLite undo the statement (a row already stored, or one
   * id twice in the rows).
   *
   * <p>The values go to SQLite from here, under the driver's lock taken once per statement, not
   * through JDBC's setters: those box each value and keep it until execute, which unboxes it and
   * picks the bind call by its type, 576 values a statement (docs/benchmarks.md, session 19).
   *
   * @throws SQLException on any other failure (the statement is reset for its next use)
   */
  static boolean insertRows(PreparedStatement ps, List<ChatMessage> messages, int from, int count)
      throws SQLException {
    int rc =
        ((CoreStatement) ps)
            .pointer.safeRunInt(
                (db, stmt) -> {
                  Columns direct = direct(db, stmt);
                  for (int k = 0; k < count; k++) {
                    columns(direct, 9 * k, messages.get(from + k));
                  }
                  int done = DirectBind.stepOnce(db, stmt);
                  if (done != SQLITE_DONE && (done & 0xff) != SQLITE_CONSTRAINT) {
                    throw DirectBind.failure(db, done);
                  }
                  return done;
                });
    return rc == SQLITE_DONE;
  }

  /** SQLite's result codes: a statement ran to its end; a constraint failed (the primary code). */
  private static final int SQLITE_DONE = 101;

  private static final int SQLITE_CONSTRAINT = 19;

  /** A statement's parameters, bound straight to the driver (under its lock). */
  private static Columns direct(DB db, long stmt) {
    return new Columns() {
      @Override
      public void blob(int pos, byte[] v) throws SQLException {
        DirectBind.bindBlob(db, stmt, pos, v);
      }

      @Override
      public void i64(int pos, long v) throws SQLException {
        DirectBind.bindLong(db, stmt, pos, v);
      }

      @Override
      public void text(int pos, String v) throws SQLException {
        DirectBind.bindText(db, stmt, pos, v);
      }
    };
  }

  /** Binds a statement's parameters with the driver's own calls ({@link DirectBind}). */
  @FunctionalInterface
  interface Binder {
    void bind(DB db, long stmt) throws SQLException;
  }

  /**
   * Runs query {@code ps} once, its parameters bound by {@code binder} straight to the driver, and
   * returns what {@code reader} makes of its first row (null: no row), under the driver's lock
   * taken once. The statement is reset whatever happens; it is never run through JDBC, so nothing
   * JDBC holds for it is stale.
   */
  static <T> T queryFirst(PreparedStatement ps, Binder binder, DirectBind.RowReader<T> reader)
      throws SQLException {
    return ((CoreStatement) ps)
        .pointer.safeRun(
            (db, stmt) -> {
              binder.bind(db, stmt);
              return DirectBind.firstRow(db, stmt, reader);
            });
  }

  /**
   * Reads every row of a query selecting {@link #COLS}.
   *
   * @throws IllegalArgumentException if a row does not decode (a damaged file)
   */
  static List<ChatMessage> read(PreparedStatement ps, int expected) throws SQLException {
    return read(ps, expected, null);
  }

  /**
   * As {@link #read(PreparedStatement, int)} for a query whose rows all have {@code origin} (null:
   * read it from each row): one column and one id lookup fewer per row of a history answer.
   */
  static List<ChatMessage> read(PreparedStatement ps, int expected, PeerId origin)
      throws SQLException {
    List<ChatMessage> out = new ArrayList<>(Math.min(Math.max(expected, 0), 1024));
    try (ResultSet rs = ps.executeQuery()) {
      // The columns straight from the driver's statement, under its lock taken once per query:
      // each of JDBC's getters allocates a capturing lambda, and without C2 (a peer runs on C1,
      // docs/benchmarks.md, session 15) that allocation is a call into the VM, not inlined. A
      // history answer's 1,024 rows read 9 columns each (docs/benchmarks.md, session 17).
      // rs.next() still steps, and turns an error code into an exception, as before.
      ((CoreStatement) ps)
          .pointer.safeRunConsume(
              (db, row) -> {
                while (rs.next()) {
                  out.add(message(db, row, origin));
                }
              });
    }
    return out;
  }

  /**
   * A TEXT column's UTF-8 bytes as a String. The driver's own {@code column_text} hands them over
   * in a direct buffer made by a JNI constructor call per value, a cost C1 makes worse; SQLite
   * gives a TEXT value's bytes unchanged when asked for a BLOB
   * (https://www.sqlite.org/c3ref/column_blob.html).
   */
  private static String text(DB db, long row, int column) throws SQLException {
    byte[] utf8 = db.column_blob(row, column);
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  /** The current row of a query selecting {@link #COLS}; columns count from 0 here. */
  private static ChatMessage message(DB db, long row, PeerId origin) throws SQLException {
    PeerId o = origin != null ? origin : PeerId.of(db.column_blob(row, 0));
    MessageId id = new MessageId(o, db.column_long(row, 1));
    int wire = db.column_int(row, 8);
    ChatMessage.Kind kind = ChatMessage.Kind.ofWire(wire);
    if (kind == null) {
      throw new IllegalArgumentException(id + " has unknown kind " + wire);
    }
    return new ChatMessage(
        id,
        db.column_long(row, 2),
        db.column_long(row, 3),
        text(db, row, 4),
        text(db, row, 5),
        DepsCodec.decode(db.column_blob(row, 6)),
        db.column_blob(row, 7),
        kind);
  }
}
