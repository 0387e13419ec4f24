package meshchat.peer.room;

import meshchat.peer.limit.WireBounds;

/**
 * The room core's tunables, as an immutable record: {@link #defaults()}, then {@code withX} for one
 * change or {@link #toBuilder()} for several.
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

  /** Every field at its default; see {@link Builder} for the values. */
  public static RoomConfig defaults() {
    return new Builder().build();
  }

  /** A builder holding this config's values, to change several at once. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.syncIntervalMs = syncIntervalMs;
    b.syncJitter = syncJitter;
    b.syncMaxMessages = syncMaxMessages;
    b.batchMaxBytes = batchMaxBytes;
    b.holdBackTimeoutMs = holdBackTimeoutMs;
    b.maxHoldBack = maxHoldBack;
    b.maxTextBytes = maxTextBytes;
    b.maxDeps = maxDeps;
    b.maxLinks = maxLinks;
    b.peerListDelayMs = peerListDelayMs;
    b.peerListMaxEntries = peerListMaxEntries;
    b.syncRequestTimeoutMs = syncRequestTimeoutMs;
    return b;
  }

  public RoomConfig withSyncIntervalMs(long v) {
    return toBuilder().syncIntervalMs(v).build();
  }

  public RoomConfig withSyncMaxMessages(int v) {
    return toBuilder().syncMaxMessages(v).build();
  }

  public RoomConfig withHoldBackTimeoutMs(long v) {
    return toBuilder().holdBackTimeoutMs(v).build();
  }

  public RoomConfig withMaxTextBytes(int v) {
    return toBuilder().maxTextBytes(v).build();
  }

  public RoomConfig withMaxLinks(int v) {
    return toBuilder().maxLinks(v).build();
  }

  public RoomConfig withSyncRequestTimeoutMs(long v) {
    return toBuilder().syncRequestTimeoutMs(v).build();
  }

  /** A mutable copy of the fields, starting at the named defaults. */
  public static final class Builder {
    private long syncIntervalMs = 5_000;
    private double syncJitter = 0.25;
    private int syncMaxMessages = 512;
    private int batchMaxBytes = 256 * 1024;
    private long holdBackTimeoutMs = 5_000;
    private int maxHoldBack = 10_000;
    private int maxTextBytes = WireBounds.MAX_TEXT_BYTES;
    private int maxDeps = 8;
    private int maxLinks = 32;
    private long peerListDelayMs = 500;
    private int peerListMaxEntries = 1_000;
    private long syncRequestTimeoutMs = 10_000;

    public Builder syncIntervalMs(long v) {
      syncIntervalMs = v;
      return this;
    }

    public Builder syncJitter(double v) {
      syncJitter = v;
      return this;
    }

    public Builder syncMaxMessages(int v) {
      syncMaxMessages = v;
      return this;
    }

    public Builder batchMaxBytes(int v) {
      batchMaxBytes = v;
      return this;
    }

    public Builder holdBackTimeoutMs(long v) {
      holdBackTimeoutMs = v;
      return this;
    }

    public Builder maxHoldBack(int v) {
      maxHoldBack = v;
      return this;
    }

    public Builder maxTextBytes(int v) {
      maxTextBytes = v;
      return this;
    }

    public Builder maxDeps(int v) {
      maxDeps = v;
      return this;
    }

    public Builder maxLinks(int v) {
      maxLinks = v;
      return this;
    }

    public Builder peerListDelayMs(long v) {
      peerListDelayMs = v;
      return this;
    }

    public Builder peerListMaxEntries(int v) {
      peerListMaxEntries = v;
      return this;
    }

    public Builder syncRequestTimeoutMs(long v) {
      syncRequestTimeoutMs = v;
      return this;
    }

    public RoomConfig build() {
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
          syncRequestTimeoutMs);
    }
  }
}
