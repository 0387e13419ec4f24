package meshchat.peer.room;

import java.util.function.Consumer;
import meshchat.peer.config.Drafts;
import meshchat.peer.limit.WireBounds;

/**
 * The room core's tunables, as an immutable record: {@link #defaults()}, then copies made with
 * {@link #with} ({@code with(d -> d.maxDeps = 4)}). The link cap is membership's ({@code
 * MembershipConfig.maxLinks}).
 *
 * @param syncIntervalMs mean period of anti-entropy digests on each link
 * @param syncJitter the period varies uniformly by ± this fraction, so peers do not beat in step
 * @param syncMaxMessages most messages asked for in one SyncRequest (back-pressure)
 * @param batchMaxBytes byte budget of one SyncBatch frame's messages, by {@link
 *     meshchat.peer.message.ChatMessage#frameBytesBound}
 * @param holdBackTimeoutMs how long a message waits for missing dependencies before it is shown
 *     marked incomplete
 * @param maxHoldBack most messages held back at once; beyond it the oldest is shown incomplete
 * @param maxTextBytes longest message text in UTF-8 bytes; longer input is refused, never cut
 * @param maxDeps most causal dependencies a message carries
 * @param peerListDelayMs a change of our links is announced to all links at most once per this
 *     period (a burst of link changes costs one PeerList per link, not one per change)
 * @param peerListMaxEntries most entries in one PeerList; beyond it, a random sample
 * @param syncRequestTimeoutMs a SyncRequest unanswered for this long is given up, so the ranges it
 *     asked for can be asked of another link
 * @param syncPipeline most SyncRequests in flight on one link: the peer answers the next chunks
 *     while we store the one before, so neither waits for the other in a catch-up. Four, not two:
 *     when both peers' threads and the JIT share two cores, an answer takes longer than storing the
 *     batch before it, and with two in flight the receiving thread waited for data in a third of
 *     the JFR samples of a 100,000-message catch-up
 * @param syncFirstMessages most messages asked for in a link's first SyncRequest; 0 (the default):
 *     {@code syncMaxMessages}. A smaller first request is a slow start: its answer is read, sent,
 *     checked and stored by code the JVM has not compiled yet, and the receiver starts work on it
 *     while the peer answers the full-size requests pipelined behind it
 * @param authorQuotaBytes most bytes of one other author's messages stored per rolling day, for its
 *     live lines and again for its history ({@link AuthorQuota}); a message costs its UTF-8 text
 *     and nick plus {@link AuthorQuota#ROW_BYTES}. {@link Long#MAX_VALUE} (the default here): no
 *     bound. The chat command's default is {@link #DEFAULT_AUTHOR_QUOTA_BYTES}, 16 MiB: about
 *     85,000 lines of 30 characters a day, far beyond any person's typing, well within a disk
 * @param maxHeldPerLink most messages waiting for dependencies at once that came by one link: past
 *     it a further message that would wait is refused and asked for again later (a stranger's share
 *     of the hold-back); never what anti-entropy needs to converge (docs/security.md)
 * @param maxHeldPerOrigin most messages waiting for dependencies at once by one author, likewise
 * @param newAuthorsPerSource most new authors (origins this peer stores no message of) one source
 *     (IPv4 address or IPv6 /64 of the link that brings an origin's first message) introduces per
 *     rolling day, beyond what a newcomer's first links name ({@link NewAuthors}). {@link
 *     NewAuthors#OFF} (the default here): no bound. The chat command's default is {@link
 *     #DEFAULT_NEW_AUTHORS_PER_SOURCE}, 64
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
    long peerListDelayMs,
    int peerListMaxEntries,
    long syncRequestTimeoutMs,
    int syncPipeline,
    int syncFirstMessages,
    long authorQuotaBytes,
    int maxHeldPerLink,
    int maxHeldPerOrigin,
    int newAuthorsPerSource) {

  /**
   * The chat command's {@link #authorQuotaBytes} ({@code --author-quota}): 16 MiB per author per
   * rolling day. The record's own default is {@link Long#MAX_VALUE}, no bound, for the simulation
   * and the benchmarks, whose synthetic authors write far more than a person.
   */
  public static final long DEFAULT_AUTHOR_QUOTA_BYTES = 16L << 20;

  /**
   * The chat command's {@link #newAuthorsPerSource} ({@code --new-authors}): a room gains a few
   * members a day; the record's own default is {@link NewAuthors#OFF}, for the simulation and the
   * benchmarks, whose synthetic authors come from anywhere.
   */
  public static final int DEFAULT_NEW_AUTHORS_PER_SOURCE = 64;

  public RoomConfig {
    if (syncPipeline < 1) {
      throw new IllegalArgumentException("syncPipeline must be >= 1: " + syncPipeline);
    }
    if (syncFirstMessages < 0) {
      throw new IllegalArgumentException("syncFirstMessages must be >= 0: " + syncFirstMessages);
    }
    if (authorQuotaBytes < 0) {
      throw new IllegalArgumentException("authorQuotaBytes must be >= 0: " + authorQuotaBytes);
    }
    if (newAuthorsPerSource < 0) {
      throw new IllegalArgumentException(
          "newAuthorsPerSource must be >= 0: " + newAuthorsPerSource);
    }
    if (maxHeldPerLink < 0 || maxHeldPerOrigin < 0) {
      throw new IllegalArgumentException(
          "hold-back budgets must be >= 0: " + maxHeldPerLink + ", " + maxHeldPerOrigin);
    }
  }

  /** Every field at its default; see {@link Draft} for the values. */
  public static RoomConfig defaults() {
    return Drafts.build(RoomConfig.class, new Draft());
  }

  /** A copy with {@code change} made to a draft of this config ({@link Drafts}). */
  public RoomConfig with(Consumer<Draft> change) {
    return Drafts.derive(this, new Draft(), change);
  }

  /**
   * The fields of a RoomConfig, each at its named default: change some in {@link #with}, or read
   * the defaults here.
   */
  public static final class Draft {
    public long syncIntervalMs = 5_000;
    public double syncJitter = 0.25;
    public int syncMaxMessages = 512;
    public int batchMaxBytes = 256 * 1024;
    public long holdBackTimeoutMs = 5_000;
    public int maxHoldBack = 10_000;
    public int maxTextBytes = WireBounds.MAX_TEXT_BYTES;
    public int maxDeps = 8;
    public long peerListDelayMs = 500;
    public int peerListMaxEntries = 1_000;
    public long syncRequestTimeoutMs = 10_000;
    public int syncPipeline = 4;
    public int syncFirstMessages = 0;
    public long authorQuotaBytes = Long.MAX_VALUE;
    public int maxHeldPerLink = 1_024;
    public int maxHeldPerOrigin = 1_024;
    public int newAuthorsPerSource = NewAuthors.OFF;
  }
}
