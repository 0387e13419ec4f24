package meshchat.peer.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

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
    ps.setBytes(at + 2, m.origin().toBytes());
    ps.setLong(at + 3, m.seq());
    ps.setLong(at + 4, m.lamport());
    ps.setLong(at + 5, m.wallTimeMs());
    ps.setString(at + 6, m.nick());
    ps.setString(at + 7, m.text());
    ps.setBytes(at + 8, DepsCodec.encode(m.deps()));
    ps.setBytes(at + 9, m.prevUnsafe());
    ps.setInt(at + 10, m.kind().wire());
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
      while (rs.next()) {
        PeerId o = origin != null ? origin : PeerId.of(rs.getBytes(1));
        MessageId id = new MessageId(o, rs.getLong(2));
        ChatMessage.Kind kind = ChatMessage.Kind.ofWire(rs.getInt(9));
        if (kind == null) {
          throw new IllegalArgumentException(id + " has unknown kind " + rs.getInt(9));
        }
        out.add(
            new ChatMessage(
                id,
                rs.getLong(3),
                rs.getLong(4),
                rs.getString(5),
                rs.getString(6),
                DepsCodec.decode(rs.getBytes(7)),
                rs.getBytes(8),
                kind));
      }
    }
    return out;
  }
}
