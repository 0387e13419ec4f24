package meshchat.testkit.bench;

import java.nio.file.Path;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;

/** Opens the product's store for a benchmark peer. */
final class BenchStores {
  private BenchStores() {}

  /**
   * {@code fsyncOwn}: the product fsyncs each own message before sending it; without, a commit
   * survives a killed process but not a power cut.
   */
  static MessageStore sqlite(Path dataDir, String room, boolean fsyncOwn) {
    return SqliteMessageStore.open(dataDir, room, fsyncOwn);
  }
}
