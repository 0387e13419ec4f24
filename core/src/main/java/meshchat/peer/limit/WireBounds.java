package meshchat.peer.limit;

/**
 * The range of every 64-bit number a peer may send that the core does arithmetic on. A Lamport time
 * or a seq above these is refused where it is decoded (and again where a record is built), so no
 * {@code +1}, range size or sum of sizes on them can reach 2^63 and wrap or throw. 2^62 leaves a
 * factor of two of room above any value honest use can reach (docs/ordering.md, "Bounded clocks").
 */
public final class WireBounds {
  /** Largest Lamport time in a message or a Hello. */
  public static final long MAX_LAMPORT = 1L << 62;

  /** Largest seq in a message id, a dependency, a digest or a wanted range. */
  public static final long MAX_SEQ = 1L << 62;

  /**
   * Latest wall time a message may carry: the last millisecond of year 9999, the largest every date
   * formatter prints. Only shown to people, never ordered on, but it must stay printable.
   */
  public static final long MAX_WALL_TIME_MS = 253_402_300_799_999L;

  /**
   * Longest chat text in UTF-8 bytes: what an author may type ({@code RoomConfig.maxTextBytes}'s
   * default) and what a receiver accepts from the wire.
   */
  public static final int MAX_TEXT_BYTES = 64 * 1024;

  /**
   * Longest nick in UTF-8 bytes: what a peer may take ({@code /nick}) and what a receiver accepts.
   */
  public static final int MAX_NICK_BYTES = 128;

  /**
   * Most messages in one history batch (SyncBatch frame): what a receiver accepts from the wire, so
   * what a batch may hold with the runs' extensions up to their heads, not only the 512 asked.
   */
  public static final int MAX_BATCH_MESSAGES = 4_096;

  private WireBounds() {}

  /** {@code v} if {@code 0 <= v <= max}, else an IllegalArgumentException naming {@code what}. */
  public static long within(String what, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          what + " out of range: " + v + " (allowed " + min + ".." + max + ")");
    }
    return v;
  }
}
