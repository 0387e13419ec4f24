package meshchat.peer.app;

import java.nio.file.Path;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;

/**
 * The single wiring point for the message store. Until the SQLite store lands (branch {@code
 * store}: {@code SqliteMessageStore}), history lives in memory and is lost on exit.
 */
final class Stores {
  private Stores() {}

  static MessageStore open(Path dataDir, String room) {
    return new InMemoryMessageStore();
  }
}
