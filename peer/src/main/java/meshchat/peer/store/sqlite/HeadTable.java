package meshchat.peer.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.PeerId;

/** The signed chain heads of a room (table {@code heads}): kept once, found by (origin, seq ≥). */
final class HeadTable {
  interface Preparer {
    PreparedStatement prepare(String sql) throws SQLException;
  }

  private final long roomId;
  private final PreparedStatement insert;
  private final PreparedStatement atOrAfter;

  HeadTable(long roomId, Preparer p) throws SQLException {
    this.roomId = roomId;
    this.insert =
        p.prepare(
            "INSERT OR IGNORE INTO heads(room_id, origin, seq, hash, signature, public_key)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
    this.atOrAfter =
        p.prepare(
            "SELECT seq, hash, signature, public_key FROM heads"
                + " WHERE room_id=? AND origin=? AND seq>=? ORDER BY seq LIMIT 1");
  }

  Void put(ChainHead h) throws SQLException {
    insert.setLong(1, roomId);
    insert.setBytes(2, h.origin().toBytes());
    insert.setLong(3, h.seq());
    insert.setBytes(4, h.hash());
    insert.setBytes(5, h.signature());
    insert.setBytes(6, h.publicKey());
    insert.executeUpdate();
    return null;
  }

  Optional<ChainHead> atOrAfter(PeerId origin, long seq) throws SQLException {
    atOrAfter.setLong(1, roomId);
    atOrAfter.setBytes(2, origin.toBytes());
    atOrAfter.setLong(3, seq);
    try (ResultSet rs = atOrAfter.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new ChainHead(origin, rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4)));
    }
  }
}
