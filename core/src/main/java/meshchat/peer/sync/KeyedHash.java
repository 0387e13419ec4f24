package meshchat.peer.sync;

/**
 * A key with a hash no stranger can aim at: a table that probes linearly places such keys by it,
 * not by {@code hashCode} ({@link AuthorIndex}). A peer id's is a hash of every byte under a secret
 * drawn per process ({@code PeerId.keyedHash}).
 */
public interface KeyedHash {
  /** 64 well-mixed bits that depend on a per-process secret and on the whole key. */
  long keyedHash();
}
