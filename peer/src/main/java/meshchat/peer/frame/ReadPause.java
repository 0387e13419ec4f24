package meshchat.peer.frame;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Who holds a link's reading paused. Two handlers pause a link for their own reasons (the frame
 * rate limit, a verifier that is behind) and each resumes only its own pause; the channel reads
 * again once nobody holds one. Link thread only.
 */
public final class ReadPause {
  private static final AttributeKey<int[]> HELD = AttributeKey.valueOf("meshchat.readPauses");

  private ReadPause() {}

  /** Stops reading {@code ch} until every pause is resumed. */
  public static void pause(Channel ch) {
    held(ch)[0]++;
    ch.config().setAutoRead(false);
  }

  /**
   * The link is closing: a pause that is never resumed, so no handler turns reading back on (what
   * the closing link reads, if anything, is its closer's business).
   */
  public static void closing(Channel ch) {
    held(ch)[0]++;
  }

  private static int[] held(Channel ch) {
    int[] held = ch.attr(HELD).setIfAbsent(new int[1]);
    return held == null ? ch.attr(HELD).get() : held;
  }

  /**
   * Resumes one pause of {@code ch}; true if nobody holds one any more, and so reading may go on
   * (the caller turns it on, unless the link is closing).
   */
  public static boolean resume(Channel ch) {
    int[] held = ch.attr(HELD).get();
    if (held == null || held[0] == 0) {
      return true;
    }
    return --held[0] == 0;
  }
}
