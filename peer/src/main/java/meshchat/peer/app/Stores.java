package meshchat.peer.app;

import java.nio.file.Path;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.peer.store.sqlite.SqliteNative;

/** The single wiring point for the message store: one SQLite file per peer data directory. */
final class Stores {
  private Stores() {}

  static MessageStore open(Path dataDir, String room) {
    useCachedDriver();
    return SqliteMessageStore.open(dataDir, room);
  }

  /**
   * Before the first database of this process: the SQLite driver's native library is loaded from
   * one copy per version in the user's cache ({@code $XDG_CACHE_HOME/meshchat}, else {@code
   * ~/.cache/meshchat}), not from a fresh copy in /tmp that a killed process would leave behind.
   */
  static void useCachedDriver() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : ChatCommand.home().resolve(".cache");
    SqliteNative.useCopyIn(cache.resolve("meshchat"));
  }
}
