package meshchat.peer.store;

/**
 * Our own store failed (a full disk, an I/O error, a damaged file): nothing a peer sent us did it.
 * A room that meets one while it handles a peer's frame keeps the link and does not blame the peer
 * (docs/storage.md, "A commit that fails"); what the failed write rolled back is fetched again.
 */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
