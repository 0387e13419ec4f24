package meshchat.peer.store.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import meshchat.peer.store.StoreException;

/**
 * The history database cannot be used: missing, unreadable, corrupt, foreign or from a newer
 * meshchat. The message is one line that names the file, fit to show a user as is. The file is
 * never replaced or deleted because of this: the user's history may still be recoverable by hand.
 */
public final class HistoryDatabaseException extends StoreException {
  // SQLite primary result codes (https://www.sqlite.org/rescode.html)
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_NOTADB = 26;

  private final transient Path file;

  public HistoryDatabaseException(Path file, String problem) {
    super("history database " + file + " " + problem);
    this.file = file;
  }

  private HistoryDatabaseException(Path file, String problem, Throwable cause) {
    super("history database " + file + " " + problem, cause);
    this.file = file;
  }

  /** Translates a driver error into a one-line message, keeping the driver's reason. */
  static HistoryDatabaseException from(Path file, SQLException e) {
    String reason = reason(e);
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
      return new HistoryDatabaseException(
          file, "is corrupt or not a meshchat database: " + reason, e);
    }
    if (code == SQLITE_CANTOPEN) {
      return new HistoryDatabaseException(file, "cannot be opened: " + reason, e);
    }
    return new HistoryDatabaseException(file, "failed: " + reason, e);
  }

  /** An I/O error outside the driver (the log's fsync). */
  static HistoryDatabaseException io(Path file, String what, IOException e) {
    return new HistoryDatabaseException(file, what + ": " + e.getMessage(), e);
  }

  static HistoryDatabaseException corrupt(Path file, String reason) {
    return new HistoryDatabaseException(file, "is corrupt or not a meshchat database: " + reason);
  }

  public Path file() {
    return file;
  }

  /**
   * sqlite-jdbc words errors as "[SQLITE_NOTADB] File opened that is not a database file (file is
   * not a database)": the part in parentheses is SQLite's own text, the one a user can search for.
   */
  private static String reason(SQLException e) {
    String m = String.valueOf(e.getMessage()).strip();
    int open = m.lastIndexOf('(');
    if (m.endsWith(")") && open >= 0) {
      return m.substring(open + 1, m.length() - 1).replace('\n', ' ');
    }
    return m.replaceFirst("^\\[SQLITE_[A-Z_]+\\]\\s*", "").replace('\n', ' ');
  }
}
