package meshchat.peer.room;

/**
 * Sync progress with one linked peer, for {@code /status}.
 *
 * @param received messages taken from this link by anti-entropy since it came up
 * @param lag messages it holds (per its latest digests) that we still lack
 */
public record SyncStatus(long received, long lag) {}
