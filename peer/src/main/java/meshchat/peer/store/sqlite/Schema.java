package meshchat.peer.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The history file's schema and its migrations. {@code PRAGMA user_version} holds the schema
 * version (0 = empty file); each migration moves it up by one inside a transaction, so a crash
 * mid-migration leaves the previous version intact. {@code PRAGMA application_id} marks the file as
 * meshchat's, which tells a foreign SQLite database apart from a new one.
 */
final class Schema {
  static final int CURRENT_VERSION = 7;

  /**
   * A message's columns as version 1 created them, in the messages table and (the second version of
   * an equivocated id) the conflicts table alike. Part of migration 0: never edit, migrate.
   */
  private static final String MESSAGE_V1 =
      """
      room_id      INTEGER NOT NULL REFERENCES meta(room_id),
      origin       BLOB    NOT NULL,
      seq          INTEGER NOT NULL,
      lamport      INTEGER NOT NULL,
      wall_time_ms INTEGER NOT NULL,
      nick         TEXT    NOT NULL,
      text         TEXT    NOT NULL,
      deps         BLOB    NOT NULL""";

  /** Migration i takes the schema from version i to i + 1. */
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              // One row per room: the clock and own-seq high-water mark that appendOwn writes in
              // the same transaction as the message (write before send).
              """
              CREATE TABLE meta (
                room_id INTEGER PRIMARY KEY,
                room    TEXT    NOT NULL UNIQUE,
                lamport INTEGER NOT NULL DEFAULT 0,
                own_seq INTEGER NOT NULL DEFAULT 0
              ) STRICT""",
              // A message's identity is (room, origin, seq); origin is the peer id's bytes.
              // deps is DepsCodec's encoding. STRICT makes SQLite refuse a value of the wrong type.
              "CREATE TABLE messages ("
                  + MESSAGE_V1
                  + ", PRIMARY KEY (room_id, origin, seq)) STRICT",
              // The canonical order (lamport, origin) of docs/ordering.md; seq only breaks the tie
              // a forking origin could create. Serves history, latest, predecessor and paging.
              "CREATE INDEX messages_order ON messages(room_id, lamport, origin, seq)",
              // The second of two different messages with one (origin, seq): an equivocation.
              // The first stays in messages; each distinct second version is kept once.
              "CREATE TABLE conflicts ("
                  + MESSAGE_V1
                  + ", UNIQUE (room_id, origin, seq, lamport, wall_time_ms, nick, text, deps)) STRICT"),
          List.of(
              // Signed messages (docs/security.md): the author's raw Ed25519 key and signature,
              // kept so that history can be relayed unchanged and checked by every receiver. Rows
              // from before keys stay, unsigned (empty blobs): shown here, never served.
              "ALTER TABLE messages ADD COLUMN public_key BLOB NOT NULL DEFAULT x''",
              "ALTER TABLE messages ADD COLUMN signature BLOB NOT NULL DEFAULT x''",
              "ALTER TABLE conflicts ADD COLUMN public_key BLOB NOT NULL DEFAULT x''",
              "ALTER TABLE conflicts ADD COLUMN signature BLOB NOT NULL DEFAULT x''",
              // A version-1 file belongs to a data dir from before keys, whose peer gets a new
              // id (a key fingerprint) on this start: its sequence starts again at 1.
              "UPDATE meta SET own_seq = 0"),
          List.of(
              // Hash chains (docs/protocol.md, "Hash chain"): each message keeps the chain hash of
              // its author's previous message, and the signed heads that authenticate runs of
              // them are kept so that history we serve carries its proof. Rows from before chains
              // (empty prev) stay: shown here, never served; a peer's own chain simply continues
              // from
              // its last seq. The columns public_key and signature stay, unused.
              "ALTER TABLE messages ADD COLUMN prev BLOB NOT NULL DEFAULT x''",
              "ALTER TABLE conflicts ADD COLUMN prev BLOB NOT NULL DEFAULT x''",
              """
              CREATE TABLE heads (
                room_id    INTEGER NOT NULL REFERENCES meta(room_id),
                origin     BLOB    NOT NULL,
                seq        INTEGER NOT NULL,
                hash       BLOB    NOT NULL,
                signature  BLOB    NOT NULL,
                public_key BLOB    NOT NULL,
                PRIMARY KEY (room_id, origin, seq)
              ) STRICT"""),
          List.of(
              // Message kinds (docs/protocol.md, ChatMessage.kind): 0 a line, 1 a nick change.
              // Every row from before is a line.
              "ALTER TABLE messages ADD COLUMN kind INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE conflicts ADD COLUMN kind INTEGER NOT NULL DEFAULT 0"),
          List.of(
              // Stored messages held back for their dependencies, not shown yet: a restart holds
              // them back again instead of counting them as shown. At most the hold-back limit
              // per room; rowid order is the order they were held in.
              """
              CREATE TABLE waiting (
                room_id INTEGER NOT NULL REFERENCES meta(room_id),
                origin  BLOB    NOT NULL,
                seq     INTEGER NOT NULL,
                PRIMARY KEY (room_id, origin, seq)
              ) STRICT"""),
          List.of(
              // The author quota (docs/security.md, "Author quota"): bytes of each author's
              // messages stored per hour of the local clock, to its live allowance (old = 0) or its
              // history allowance (old = 1), so a restart counts the last day from what is stored.
              // Rows from before it count nothing (every row then was at least that old or
              // unbounded); rows over a day old are deleted as new hours are written.
              """
              CREATE TABLE author_bytes (
                room_id INTEGER NOT NULL REFERENCES meta(room_id),
                origin  BLOB    NOT NULL,
                old     INTEGER NOT NULL,
                hour    INTEGER NOT NULL,
                bytes   INTEGER NOT NULL,
                PRIMARY KEY (room_id, origin, old, hour)
              ) STRICT"""),
          List.of(
              // Rows refused as backdated (stamped at or below what they answer): kept, counted
              // and served, never shown, so the history reads skip them (rev33: a page read on
              // past them in Java, and 100 of them hid the history before them). 1 = hidden. Rows
              // from before it are 0: the room still judges those when it reads them.
              "ALTER TABLE messages ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0"));

  private Schema() {}

  static void checkAndMigrate(Path file, Connection conn) throws SQLException {
    int appId = intPragma(conn, "application_id");
    int version = intPragma(conn, "user_version");
    if (appId == 0 && version == 0) {
      if (tableCount(conn) > 0) {
        throw HistoryDatabaseException.corrupt(file, "an SQLite file without meshchat's marker");
      }
    } else if (appId != SqliteDatabase.APPLICATION_ID) {
      throw HistoryDatabaseException.corrupt(
          file, "an SQLite file of another application (id " + Integer.toHexString(appId) + ")");
    }
    if (version > CURRENT_VERSION) {
      throw new HistoryDatabaseException(
          file,
          "was written by a newer meshchat (schema "
              + version
              + "; this one reads up to "
              + CURRENT_VERSION
              + ")");
    }
    SqliteDatabase.configureOurs(conn);
    try (Statement s = conn.createStatement()) {
      for (int v = version; v < CURRENT_VERSION; v++) {
        s.execute("BEGIN IMMEDIATE");
        try {
          for (String ddl : MIGRATIONS.get(v)) {
            s.execute(ddl);
          }
          s.execute("PRAGMA application_id = " + SqliteDatabase.APPLICATION_ID);
          s.execute("PRAGMA user_version = " + (v + 1));
          s.execute("COMMIT");
        } catch (SQLException e) {
          s.execute("ROLLBACK");
          throw e;
        }
      }
    }
  }

  static Optional<Long> findRoomId(Connection conn, String room) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT room_id FROM meta WHERE room = ?")) {
      ps.setString(1, room);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  static long roomId(Connection conn, String room) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT OR IGNORE INTO meta(room) VALUES (?)")) {
      ps.setString(1, room);
      ps.executeUpdate();
    }
    return findRoomId(conn, room).orElseThrow();
  }

  private static int intPragma(Connection conn, String name) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static int tableCount(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
