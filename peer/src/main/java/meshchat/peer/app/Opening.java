package meshchat.peer.app;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.store.MessageStore;
import org.slf4j.LoggerFactory;

/**
 * The slow parts of a chat start that need no identity, on a thread of their own while the start's
 * own thread loads or makes the identity (an Ed25519 key pair, cold): setting up logging, deriving
 * a private room's key (Argon2id) and opening the history (loading the SQLite library). In that
 * order: logging first, so that no logger is asked for while SLF4J initialises, and the room key
 * before the history, which is kept under the room's id.
 */
final class Opening implements AutoCloseable {
  private final CompletableFuture<Void> logging = new CompletableFuture<>();
  private final CompletableFuture<RoomKey> key = new CompletableFuture<>();
  private final CompletableFuture<MessageStore> store = new CompletableFuture<>();
  private boolean storeTaken;

  private Opening() {}

  /**
   * Starts it. {@code secret}, if not null, is wiped once the key is derived. Logging must be
   * pointed at its file before this ({@link ChatLogging#select}).
   */
  static Opening start(Path dir, String room, char[] secret) {
    Opening o = new Opening();
    Thread t = new Thread(() -> o.run(dir, room, secret), "opening");
    t.setDaemon(true);
    t.start();
    return o;
  }

  private void run(Path dir, String room, char[] secret) {
    try {
      LoggerFactory.getILoggerFactory();
      logging.complete(null);
    } catch (RuntimeException | Error e) {
      logging.completeExceptionally(e);
    }
    RoomKey k;
    try {
      k = secret == null ? null : RoomKey.derive(room, secret);
    } catch (RuntimeException | Error e) {
      key.completeExceptionally(e);
      store.completeExceptionally(e);
      return;
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0'); // before anyone hears of the key
      }
    }
    key.complete(k);
    try {
      store.complete(Stores.open(dir, k != null ? k.roomId() : room));
    } catch (RuntimeException | Error e) {
      store.completeExceptionally(e);
    }
  }

  /** Waits until logging is set up: before the start's thread asks for a logger. */
  void loggingReady() {
    join(logging);
  }

  /** The private room's key, or null for an open room. */
  RoomKey roomKey() {
    return join(key);
  }

  /** The history, opened; closing it is the caller's from now on. */
  MessageStore store() {
    MessageStore s = join(store);
    storeTaken = true;
    return s;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * A start that ends before taking the history (a bad key file, say) waits for it to open and
   * closes it, so that nothing writes in the data dir once its lock is let go.
   */
  @Override
  public void close() {
    if (!storeTaken) {
      try {
        store.join().close();
      } catch (RuntimeException e) {
        // it did not open: nothing to close
      }
    }
  }
}
