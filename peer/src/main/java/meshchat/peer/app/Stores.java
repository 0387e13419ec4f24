package meshchat.peer.app;

import java.nio.file.Path;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;

/** The single wiring point for the message store: one SQLite file per peer data directory. */
final class Stores {
  private Stores() {}

  static MessageStore open(Path dataDir, String room) {
    return SqliteMessageStore.open(dataDir, room);
  }
}
