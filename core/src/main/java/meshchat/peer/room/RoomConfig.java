package meshchat.peer.room;

/**
 * The room core's tunables, as an immutable record with {@code withX} copies.
 *
 * @param syncIntervalMs mean period of anti-entropy digests on each link
 * @param syncJitter the period varies uniformly by ± this fraction, so peers do not beat in step
 * @param syncMaxMessages most messages asked for in one SyncRequest (back-pressure)
 * @param batchMaxBytes rough byte budget of one SyncBatch frame
 * @param holdBackTimeoutMs how long a message waits for missing dependencies before it is shown
 *     marked incomplete
 * @param maxHoldBack most messages held back at once; beyond it the oldest is shown incomplete
 * @param maxTextBytes longest message text in UTF-8 bytes; longer input is refused, never cut
 * @param maxDeps most causal dependencies a message carries
 * @param maxLinks how many links this peer dials up to: a room of at most {@code maxLinks + 1}
 *     peers is a full mesh; a bigger one is a random graph of about this degree (see {@link
 *     meshchat.peer.membership.Membership}, which takes it as {@code MembershipConfig.maxLinks}).
 * @param peerListDelayMs a change of our links is announced to all links at most once per this
 *     period (a burst of link changes costs one PeerList per link, not one per change)
 * @param peerListMaxEntries most entries in one PeerList; beyond it, a random sample
 * @param syncRequestTimeoutMs a SyncRequest unanswered for this long is given up, so the ranges it
 *     asked for can be asked of another link
 */
public record RoomConfig(
    long syncIntervalMs,
    double syncJitter,
    int syncMaxMessages,
    int batchMaxBytes,
    long holdBackTimeoutMs,
    int maxHoldBack,
    int maxTextBytes,
    int maxDeps,
    int maxLinks,
    long peerListDelayMs,
    int peerListMaxEntries,
    long syncRequestTimeoutMs) {

  public static RoomConfig defaults() {
    return new RoomConfig(
        5_000, 0.25, 512, 256 * 1024, 5_000, 10_000, 64 * 1024, 8, 32, 500, 1_000, 10_000);
  }

  public RoomConfig withSyncIntervalMs(long v) {
    return new RoomConfig(
        v,
        syncJitter,
        syncMaxMessages,
        batchMaxBytes,
        holdBackTimeoutMs,
        maxHoldBack,
        maxTextBytes,
        maxDeps,
        maxLinks,
        peerListDelayMs,
        peerListMaxEntries,
        syncRequestTimeoutMs);
  }

  public RoomConfig withHoldBackTimeoutMs(long v) {
    return new RoomConfig(
        syncIntervalMs,
        syncJitter,
        syncMaxMessages,
        batchMaxBytes,
        v,
        maxHoldBack,
        maxTextBytes,
        maxDeps,
        maxLinks,
        peerListDelayMs,
        peerListMaxEntries,
        syncRequestTimeoutMs);
  }

  public RoomConfig withSyncMaxMessages(int v) {
    return new RoomConfig(
        syncIntervalMs,
        syncJitter,
        v,
        batchMaxBytes,
        holdBackTimeoutMs,
        maxHoldBack,
        maxTextBytes,
        maxDeps,
        maxLinks,
        peerListDelayMs,
        peerListMaxEntries,
        syncRequestTimeoutMs);
  }

  public RoomConfig withMaxTextBytes(int v) {
    return new RoomConfig(
        syncIntervalMs,
        syncJitter,
        syncMaxMessages,
        batchMaxBytes,
        holdBackTimeoutMs,
        maxHoldBack,
        v,
        maxDeps,
        maxLinks,
        peerListDelayMs,
        peerListMaxEntries,
        syncRequestTimeoutMs);
  }

  public RoomConfig withMaxLinks(int v) {
    return new RoomConfig(
        syncIntervalMs,
        syncJitter,
        syncMaxMessages,
        batchMaxBytes,
        holdBackTimeoutMs,
        maxHoldBack,
        maxTextBytes,
        maxDeps,
        v,
        peerListDelayMs,
        peerListMaxEntries,
        syncRequestTimeoutMs);
  }

  public RoomConfig withSyncRequestTimeoutMs(long v) {
    return new RoomConfig(
        syncIntervalMs,
        syncJitter,
        syncMaxMessages,
        batchMaxBytes,
        holdBackTimeoutMs,
        maxHoldBack,
        maxTextBytes,
        maxDeps,
        maxLinks,
        peerListDelayMs,
        peerListMaxEntries,
        v);
  }
}
